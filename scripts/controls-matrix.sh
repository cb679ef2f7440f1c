#!/bin/bash
# scripts/controls-matrix.sh BUILD_DIR — rewrite the redundancy matrix of docs/CONTROLS.md (between
# its two marker lines) from the catalogue, with BUILD_DIR's controls-matrix helper.  The unit test
# controls_matrix_in_step fails until the committed text is what this writes.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR}
doc="$(dirname "$0")/../docs/CONTROLS.md"
ninja -C "$build" tests/controls-matrix >/dev/null
matrix=$("$build/tests/controls-matrix")
begin='<!-- redundancy matrix: generated from probes/catalogue.c by scripts/controls-matrix.sh -->'
end='<!-- end of the redundancy matrix -->'
grep -qxF "$begin" "$doc" && grep -qxF "$end" "$doc" || { echo "$doc lacks the matrix markers" >&2; exit 1; }
awk -v b="$begin" -v e="$end" -v m="$matrix" '
        $0 == b { print; print m; skip = 1; next }
        $0 == e { skip = 0 }
        !skip' "$doc" >"$doc.tmp"
mv "$doc.tmp" "$doc"
