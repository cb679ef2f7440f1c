#!/bin/bash
# attest.sh [ATTEST OPTIONS...] — install what is missing, build, and run `denybox attest` on the
# embedded default root and the seeds' strict profile; prints the verdict table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh build
exec build/denybox attest "$@"
