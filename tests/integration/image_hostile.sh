#!/bin/bash
# Hostile images, built here (Python's tarfile writes the layers, a small writer the OCI layout):
# traversal names, symlink-then-write (in one layer and across two), hardlinks out, escaping
# whiteouts, device nodes and fifos, a tar bomb over the size budget and one over the entry budget,
# a digest mismatch, a truncated blob, a missing blob, a foreign platform, an unknown media type.
# Each is refused (exit 64, one `denybox:` line, nothing started, nothing left in the cache that a
# later run would trust) or neutralised (the run works, the thing is not there); a canary directory
# outside the cache is byte-identical afterwards.
. "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || { echo "python3 is missing"; exit 77; }
C=$(mktemp -d /var/tmp/denybox-canary.XXXXXX)
trap 'rm -rf "$T" "$C"' EXIT
mkdir -p "$C/d" && echo canary >"$C/victim" && echo canary >"$C/d/victim"
canary_sum() { (find "$C" -printf '%p %y %m %s %T@\n' | sort && cat "$C/victim" "$C/d/victim") | sha256sum; }
before=$(canary_sum)
make_busybox_rootfs "$T/base"

cat >"$T/mkimg.py" <<'PY'
# mkimg.py CASE OUT BASE CANARY: an OCI image layout at OUT: a busybox base layer from BASE, then
# the hostile layer(s) of CASE aimed at the host directory CANARY.
import gzip, hashlib, io, json, os, sys, tarfile
case, out, base, canary = sys.argv[1:5]
up = "../" * 24 + canary.lstrip("/")

def member(tf, name, kind="file", data=b"pwned\n", target=None, **kw):
    ti = tarfile.TarInfo(name)
    ti.mode = kw.get("mode", 0o755 if kind == "dir" else 0o644)
    ti.uid, ti.gid = kw.get("owner", (0, 0))
    if kind == "file":
        ti.size = len(data); tf.addfile(ti, io.BytesIO(data)); return
    ti.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
               "chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE}[kind]
    if target is not None: ti.linkname = target
    ti.devmajor, ti.devminor = kw.get("dev", (0, 0))
    tf.addfile(ti)

def layer(entries=None, fromdir=None, compress=True):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tf:
        if fromdir: tf.add(fromdir, arcname=".")
        for e in entries or []: member(tf, *e[:2], **e[2] if len(e) > 2 else {})
    data = raw.getvalue()
    return gzip.compress(data, mtime=0) if compress else data

def blob(data):
    d = hashlib.sha256(data).hexdigest()
    os.makedirs(f"{out}/blobs/sha256", exist_ok=True)
    open(f"{out}/blobs/sha256/{d}", "wb").write(data)
    return {"digest": "sha256:" + d, "size": len(data)}

layers = [layer(fromdir=base)]
arch, ltype = "amd64", "application/vnd.oci.image.layer.v1.tar+gzip"
F = lambda n, **kw: (n, "file", kw)
if case == "traversal":
    layers.append(layer([F(up + "/victim")]))
elif case == "absolute":         # neutralised: taken inside the root
    layers.append(layer([F(canary + "/victim", data=b"inside\n")]))
elif case == "symlink-write":
    layers.append(layer([("esc", "symlink", {"target": canary}), F("esc/victim")]))
elif case == "symlink-dotdot-write":
    layers.append(layer([("esc", "symlink", {"target": up}), F("esc/d/victim")]))
elif case == "symlink-next-layer":
    layers.append(layer([("esc", "symlink", {"target": canary})]))
    layers.append(layer([F("esc/victim")]))
elif case == "symlink-dir-then-file":
    layers.append(layer([("esc", "symlink", {"target": canary})]))
    layers.append(layer([("esc/d", "dir"), F("esc/d/victim")]))
elif case == "hardlink-out":
    layers.append(layer([("link", "hardlink", {"target": up + "/victim"})]))
elif case == "hardlink-abs":
    layers.append(layer([("link", "hardlink", {"target": canary + "/victim"})]))
elif case == "hardlink-via-symlink":
    layers.append(layer([("esc", "symlink", {"target": canary}), ("link", "hardlink", {"target": "esc/victim"})]))
elif case == "whiteout-out":
    layers.append(layer([F(up + "/.wh.victim")]))
elif case == "whiteout-symlink":
    layers.append(layer([("esc", "symlink", {"target": canary})]))
    layers.append(layer([F("esc/.wh.victim")]))
elif case == "whiteout-dotdot":
    layers.append(layer([F("bin/.wh..."), F(".wh..")]))
elif case == "whiteout-ok":      # a legitimate whiteout and an opaque directory: applied
    layers.append(layer([("keep", "dir"), F("keep/a"), F("keep/b"), F("gone")]))
    layers.append(layer([F(".wh.gone"), F("keep/.wh..wh..opq"), F("keep/c")]))
elif case == "device":           # neutralised: not created
    layers.append(layer([("evil-mem", "chr", {"dev": (1, 1)}), ("evil-sda", "blk", {"dev": (8, 0)}),
                         ("evil-fifo", "fifo")]))
elif case == "setuid":           # neutralised: the bit is dropped; owners recreated (root only)
    layers.append(layer([F("suid", mode=0o4755, data=b"#!/bin/sh\n"), F("owned", mode=0o600, owner=(4242, 4343)),
                         ("odir", "dir", {"mode": 0o700, "owner": (4242, 4343)})]))
elif case == "bomb":             # 64 MiB of zeros in a few KiB
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tf:
        ti = tarfile.TarInfo("bomb"); ti.size = 64 << 20
        tf.addfile(ti, io.BytesIO(bytes(64 << 20)))
    layers.append(gzip.compress(raw.getvalue(), compresslevel=9, mtime=0))
elif case == "entries":
    layers.append(layer([F(f"many/{i}") for i in range(3000)]))
elif case in ("mismatch", "truncated", "missing", "platform", "mediatype"):
    layers.append(layer([F("fine")]))
    if case == "platform": arch = "arm64"
    if case == "mediatype": ltype = "application/vnd.oci.image.layer.v1.tar+bzip2"
else:
    sys.exit("unknown case " + case)

ldesc = [dict(mediaType=ltype if i == len(layers) - 1 else "application/vnd.oci.image.layer.v1.tar+gzip", **blob(l))
         for i, l in enumerate(layers)]
config = {"architecture": arch, "os": "linux", "config": {"Entrypoint": ["/bin/true"]},
          "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(gzip.decompress(l)).hexdigest() for l in layers]}}
manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **blob(json.dumps(config).encode())),
            "layers": ldesc}
mdesc = dict(mediaType="application/vnd.oci.image.manifest.v1+json", **blob(json.dumps(manifest).encode()))
json.dump({"schemaVersion": 2, "manifests": [mdesc]}, open(f"{out}/index.json", "w"))
open(f"{out}/oci-layout", "w").write('{"imageLayoutVersion": "1.0.0"}')
last = f"{out}/blobs/sha256/" + ldesc[-1]["digest"][7:]
if case == "mismatch":           # same size, one byte changed
    b = bytearray(open(last, "rb").read()); b[len(b) // 2] ^= 0xff; open(last, "wb").write(bytes(b))
elif case == "truncated":
    os.truncate(last, os.path.getsize(last) // 2)
elif case == "missing":
    os.unlink(last)
PY

# image CASE: build it; run it with its own cache; rc, $T/err as usual
image() {
        rm -rf "$T/img" "$T/cache"
        python3 "$T/mkimg.py" "$1" "$T/img" "$T/base" "$C" || { echo "mkimg $1 failed"; exit 1; }
        shift
        run_db run --image "oci:$T/img" --image-cache "$T/cache" "$@"
}
nothing_trusted() { [ -z "$(ls -A "$T/cache/images" 2>/dev/null)" ] && [ -z "$(ls -A "$T/cache/tmp" 2>/dev/null)" ]; }
refused() { # refused CASE WORD: exit 64, one line naming WORD, no cache entry, canary intact
        local c=$1 w=$2
        shift 2
        image "$c" "$@" --entrypoint /bin/sh -- -c 'echo STARTED'
        check "$c: refused (rc=$rc)" [ $rc = 64 ]
        check "$c: one line saying '$w'" eval 'one_line "$T/err" && grep -q "^denybox: .*$w" "$T/err"'
        check "$c: nothing started" eval '! grep -q STARTED "$T/out"'
        check "$c: nothing left in the cache that a run would trust" nothing_trusted
        check "$c: the canary is byte-identical" [ "$(canary_sum)" = "$before" ]
}
refused traversal "'\.\.' component"
refused symlink-write "through a symlink"
refused symlink-dotdot-write "through a symlink"
refused symlink-next-layer "through a symlink"
refused symlink-dir-then-file "through a symlink"
refused hardlink-out "hardlink with a '\.\.' component"
refused hardlink-abs "hardlink"
refused hardlink-via-symlink "hardlink"
refused whiteout-out "'\.\.' component"
refused whiteout-symlink "through a symlink"
refused whiteout-dotdot "whiteout"
refused mismatch "digest mismatch"
refused truncated "truncated"
refused missing "missing"
refused platform "only linux/amd64"
refused mediatype "unsupported media type"
DENYBOX_IMAGE_MAX_BYTES=16m refused bomb "size budget"
DENYBOX_IMAGE_MAX_ENTRIES=1000 refused entries "entry budget"

# neutralised: the run works, the hostile part is not there
# (the images' Entrypoint is /bin/true: --entrypoint replaces it, as with docker run)
image absolute --entrypoint /bin/cat -- "$C/victim"
check "absolute name: taken inside the root (rc=$rc)" eval '[ $rc = 0 ] && grep -q inside "$T/out"'
check "absolute name: the canary is byte-identical" [ "$(canary_sum)" = "$before" ]
image device --entrypoint /bin/sh -- -c 'ls /evil-mem /evil-sda /evil-fifo 2>&1; echo ran'
check "device nodes and fifos: the image runs (rc=$rc)" eval '[ $rc = 0 ] && grep -q ran "$T/out"'
check "device nodes and fifos: none created" eval '! grep -q "^/evil" "$T/out" && [ -z "$(find "$T/cache" \( -type c -o -type b -o -type p \) -print)" ]'
check "device nodes and fifos: one line says so" grep -q "^denybox: image: 3 device nodes, fifos or sockets not created" "$T/err"
image setuid
check "setuid: the image runs (rc=$rc), the bit is dropped" eval '[ $rc = 0 ] && [ -z "$(find "$T/cache" -perm /6000 -print)" ]'
check "setuid: one line says so" grep -q "^denybox: image: setuid/setgid bits dropped from 1 files" "$T/err"
owners=$(find "$T/cache/images" \( -name owned -o -name odir \) -printf '%U:%G %m\n' -prune | sort -u)
if [ "$(id -u)" = 0 ]; then
        check "root: the entries' owners are recreated (4242:4343)" [ "$owners" = "4242:4343 600"$'\n'"4242:4343 700" ]
else
        check "unprivileged: every entry is the caller's" [ "$owners" = "$(id -u):$(id -g) 600"$'\n'"$(id -u):$(id -g) 700" ]
fi
image whiteout-ok --entrypoint /bin/sh -- -c 'ls /keep; ls /gone 2>&1'
check "whiteouts: applied (rc=$rc): .wh.gone removes gone, the opaque dir keeps only this layer's c" \
        eval '[ "$(head -1 "$T/out")" = c ] && grep -q "No such file" "$T/out"'
check "the canary is byte-identical at the end" [ "$(canary_sum)" = "$before" ]
finish
