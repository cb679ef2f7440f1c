#!/bin/bash
# The tree's include graph points only down:
#   launcher -> seccomp, probes -> common;  seccomp and probes never include each other.
# Prints the graph (one "from -> to  (count)" line per edge between folders) and fails on any
# edge not in the allowed list.  The build enforces the same (each layer's library is compiled
# with only its own and lower include folders); this names the offending line.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$root"
declare -A allowed=([launcher:seccomp]=1 [launcher:probes]=1 [launcher:common]=1
                    [seccomp:common]=1 [probes:common]=1)
dirs=(common seccomp probes launcher)
bad=0
declare -A edges=()
for d in "${dirs[@]}"; do
        while IFS=: read -r file _ inc; do
                h=$(sed -n 's/^#include "\([^"]*\)".*/\1/p' <<<"$inc")
                [ -n "$h" ] || continue
                [ -e "$d/$h" ] && continue            # own folder
                [ -e "$(dirname "$file")/$h" ] && continue
                owner=
                for o in "${dirs[@]}"; do [ -e "$o/$h" ] && owner=$o; done
                [ -n "$owner" ] || continue           # generated (version.h, builtin-*.h)
                edges[$d:$owner]=$(( ${edges[$d:$owner]:-0} + 1 ))
                if [ -z "${allowed[$d:$owner]:-}" ]; then
                        echo "layers: $file includes $owner/$h: $d may not depend on $owner"
                        bad=1
                fi
        done < <(grep -Hn '^#include "' "$d"/*.c "$d"/*.h 2>/dev/null || true)
done
for e in "${!edges[@]}"; do echo "${e%%:*} -> ${e##*:}  (${edges[$e]})"; done | sort
exit $bad
