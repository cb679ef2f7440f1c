#!/bin/bash
# install-vm-deps.sh — the Debian packages the VM stage needs (../shared/vm/run-in-vm: qemu boots a
# throwaway Debian 12 VM built with mmdebstrap).  Idempotent; installs only as root.
set -euo pipefail
packages=(qemu-system-x86 qemu-utils mmdebstrap)
missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
        echo "denybox: missing Debian packages: ${missing[*]}" >&2
        echo "denybox: install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
        exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
