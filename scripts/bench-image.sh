#!/bin/bash
# bench-image.sh [DENYBOX] — a cached --image against --rootfs on the same tree: the image is made
# from the bench's rootfs (a static `true`, /proc /dev /tmp /in /out) with umoci, unpacked once,
# then both launches are timed by one hyperfine run.  Target: the cached image within 10% of
# --rootfs (the run resolves index -> manifest -> config, checks their digests, finds the cache
# entry and binds it: no unpack).  Writes docs/bench/image.md and docs/bench/image-hyperfine.json.
# Run by scripts/bench; alone: `sudo scripts/bench-image.sh` (needs hyperfine, umoci, gcc).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
D=${1:-${DENYBOX:-$repo/build/denybox}}
runs=${BENCH_RUNS:-300}
for t in hyperfine umoci gcc; do
        command -v $t >/dev/null || { echo "bench-image: $t is missing (DENYBOX_WITH_BENCH=1 scripts/install-deps.sh)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/denybox-bench-image.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 0755 "$work"
R=$work/rootfs L=$work/layout C=$work/cache
mkdir -p "$R"/{proc,dev,tmp,in,out}
printf 'int main(void){return 0;}\n' >"$work/true.c"
gcc -static -O2 -o "$R/true" "$work/true.c"
{
        umoci init --layout "$L" && umoci new --image "$L:bench" &&
        umoci unpack --rootless --image "$L:bench" "$work/b" && cp -a "$R/." "$work/b/rootfs/" &&
        umoci repack --image "$L:bench" "$work/b" &&
        umoci config --image "$L:bench" --architecture amd64 --os linux --config.entrypoint /true
} >"$work/umoci.log" 2>&1 || { cat "$work/umoci.log" >&2; exit 1; }

first=$( { /usr/bin/time -f %e "$D" run --image "oci:$L:bench" --image-cache "$C" >/dev/null; } 2>&1 | tail -1)
cmd_rootfs="$D run --rootfs $R -- /true"
cmd_image="$D run --image oci:$L:bench --image-cache $C"
hyperfine -N --style basic --warmup 20 --runs "$runs" --export-json "$repo/docs/bench/image-hyperfine.json" \
        -n "rootfs" "$cmd_rootfs" -n "image (cached)" "$cmd_image" >"$work/hf.txt" 2>&1 ||
        { cat "$work/hf.txt" >&2; exit 1; }
python3 - "$repo/docs/bench/image-hyperfine.json" "$first" "$runs" <<'PY' | tee "$repo/docs/bench/image.md"
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, b = r["rootfs"]["median"], r["image (cached)"]["median"]
print("# --image (cached) against --rootfs on the same tree\n")
print(f"hyperfine -N, {sys.argv[3]} runs each, medians; the image: the bench rootfs as one gzip layer made with umoci.\n")
print("| launch | median | mean ± σ |\n|---|---|---|")
for k in ("rootfs", "image (cached)"):
    x = r[k]; print(f"| `--{k}` | {x['median']*1000:.2f} ms | {x['mean']*1000:.2f} ± {x['stddev']*1000:.2f} ms |")
print(f"\ncached image / rootfs = **{b / a:.3f}** (target ≤ 1.10: {'met' if b / a <= 1.10 else 'NOT met'}); "
      f"the first run (verify + unpack + launch) took {float(sys.argv[2])*1000:.0f} ms.")
PY
