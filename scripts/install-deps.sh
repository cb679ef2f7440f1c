#!/bin/bash
# install-deps.sh — the Debian packages denybox builds and tests with.  Idempotent: installs only
# what is missing, and only as root; otherwise says what to run.
set -euo pipefail
packages=(
        gcc libc6-dev pkg-config meson ninja-build          # build
        libseccomp-dev libcap-dev libyajl-dev nettle-dev     # libraries (static archives included)
        libarchive-dev libzstd-dev zlib1g-dev liblz4-dev liblzma-dev libbz2-dev libacl1-dev # --image (static archives included)
        check                                                # unit suites
        busybox-static jq util-linux bsdutils procps python3 # integration tests: a shell rootfs, JSON, setpriv, script, pgrep, a dynamic program
        libxml2-utils                                        # JUnit XML validation (xmllint)
        python3-jsonschema python3-yaml                      # the bundle schema (JSON Schema 2020-12), the CI workflow YAML
        umoci skopeo                                         # image tests: build and copy OCI images offline
        runc                                                 # learn.sh: a learned profile loads in runc
        strace                                               # stdio.sh: no relay thread for a payload that writes nothing
)
# scripts/bench: the peers (bubblewrap, crun, runc, podman, firejail), perf, strace, the plots
[ "${DENYBOX_WITH_BENCH:-0}" = 1 ] && packages+=(bubblewrap crun runc podman firejail linux-perf strace hyperfine time gnuplot-nox)
[ "${DENYBOX_WITH_FUZZ:-0}" = 1 ] && packages+=(clang libclang-rt-14-dev)
[ "${DENYBOX_WITH_VM:-0}" = 1 ] && packages+=(qemu-system-x86 qemu-utils mmdebstrap) # the VM stage (scripts/test-vm.sh)

missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
        echo "denybox: missing Debian packages: ${missing[*]}" >&2
        echo "denybox: install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
