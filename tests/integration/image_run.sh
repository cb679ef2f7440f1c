#!/bin/bash
# The seeds' workflow end to end, offline: the Dockerfile.sandbox equivalent is assembled with
# umoci (a base image made here from a python3 root taken from the host -- the stand-in for
# distroless/python3-debian12 --, then /app/main.py, USER 65532:65532, ENTRYPOINT python3
# /app/main.py), saved with skopeo as oci:DIR, oci-archive:FILE and docker-archive:FILE, and run
# with `denybox run --image ... -v IN:/in:ro -v OUT:/out:rw`: the seeds' own harness writes its
# bundle with 12/12 PASS and PR-EXEC-1 errno 1.  `denybox attest --image` passes and records the
# digest skopeo reports.  Then the config (Entrypoint/Cmd/--entrypoint, Env with a secret-looking
# key, WorkingDir, User by name), the cache (reuse, ls, rm, prune, a leftover partial unpack).
. "$(dirname "$0")/common.sh"
for t in umoci skopeo python3 jq; do
        command -v $t >/dev/null || { echo "$t is missing (scripts/install-deps.sh)"; exit 77; }
done
[ -x /usr/bin/python3 ] || { echo "Debian's python3 is missing"; exit 77; }
export HOME=$T # skopeo/umoci look for per-user configuration; nothing is read from the host's

# ---- the base: a python3 root from the host's files -------------------------------------------
make_python_root() {
        local r=$1 py f g d libs
        py=$(readlink -f /usr/bin/python3)
        mkdir -p "$r"/usr/bin "$r"/usr/lib64 "$r"/etc "$r"/home/nonroot "$r"/root
        ln -s usr/bin "$r/bin"; ln -s usr/lib "$r/lib"; ln -s usr/lib64 "$r/lib64"
        "$py" -c 'import sys, os, json, socket, errno, ctypes, re, site, encodings.utf_8, encodings.latin_1, encodings.aliases
for m in list(sys.modules.values()):
    f = getattr(m, "__file__", None)
    if f and os.path.isfile(f): print(os.path.realpath(f))
import sysconfig; print(os.path.join(sysconfig.get_paths()["stdlib"], "os.py"))' | sort -u >"$T/pyfiles"
        libs=$( { echo "$py"; grep '\.so$' "$T/pyfiles"; } | while read -r f; do ldd "$f"; done |
                awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\/.*ld-linux/ {print $1}' | sort -u)
        libs="$libs $(ldconfig -p | awk '$1 == "libc.so.6" && /x86-64/ {print $NF; exit}')"
        for f in $(cat "$T/pyfiles") $libs; do
                for g in "$f" "$(readlink -f "$f")"; do # the name asked for and the file it is
                        case $g in /usr/*) d=$g ;; *) d=/usr$g ;; esac
                        mkdir -p "$r${d%/*}"
                        cp -nL "$g" "$r$d"
                done
        done
        cp "$py" "$r/usr/bin/python3" && ln -s python3 "$r/usr/bin/python"
        echo "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin" >"$r/etc/passwd"
        echo "nonroot:x:65532:" >"$r/etc/group"
        chmod -R a+rX,go-w "$r" && chmod 0700 "$r/root"
}

# ---- the seeds' harness (seeds/001 §6; lib/seed_harness.py, copied beside this script) ---------
mkdir -p "$T/inspector"
cp "$(dirname "$0")/seed_harness.py" "$T/inspector/main.py"
chmod -R a+rX "$T/inspector"

# ---- "docker build -f Dockerfile.sandbox" with umoci ------------------------------------------
L=$T/layout
make_python_root "$T/pyroot"
build() {
        umoci init --layout "$L" &&
        umoci new --image "$L:base" &&
        umoci unpack --rootless --image "$L:base" "$T/b1" >/dev/null && cp -a "$T/pyroot/." "$T/b1/rootfs/" &&
        umoci repack --image "$L:base" "$T/b1" &&
        umoci config --image "$L:base" --architecture amd64 --os linux --config.user 65532:65532 \
                --config.env PATH=/usr/local/bin:/usr/bin:/bin &&
        # FROM base; WORKDIR /app; COPY --chown=root:root inspector/ /app/; USER 65532:65532;
        # ENTRYPOINT ["python3", "/app/main.py"]
        umoci unpack --rootless --image "$L:base" "$T/b2" >/dev/null && mkdir -p "$T/b2/rootfs/app" &&
        cp "$T/inspector/main.py" "$T/b2/rootfs/app/" && umoci repack --image "$L:base" "$T/b2" &&
        umoci config --image "$L:base" --tag attest --config.workingdir /app --config.user 65532:65532 \
                --config.entrypoint python3 --config.entrypoint /app/main.py &&
        # a variant for the config tests: User by name, an Env with a secret-looking key, a Cmd
        umoci config --image "$L:attest" --tag conf --config.user nonroot --config.env GREETING=hello \
                --config.env API_TOKEN=leaked --config.entrypoint python3 --config.cmd=-c \
                --config.cmd 'import os; print(os.getuid(), os.getgid(), os.getcwd(), sorted(os.environ))'
} >"$T/build.log" 2>&1
build || { cat "$T/build.log"; echo "umoci could not build the image"; exit 1; }
skopeo --insecure-policy copy -q "oci:$L:attest" "oci-archive:$T/img.tar:attest" &&
        skopeo --insecure-policy copy -q "oci:$L:attest" "docker-archive:$T/dimg.tar:denybox/attest:latest" ||
        { echo "skopeo could not save the image"; exit 1; }

mkdir -p "$T/in" "$T/o" && echo '{"packet":"attestation-fixture"}' >"$T/in/packet.json" && chmod 0777 "$T/o"
i=0
for ref in "oci:$L:attest" "oci-archive:$T/img.tar:attest" "docker-archive:$T/dimg.tar:denybox/attest:latest"; do
        i=$((i + 1))
        t=${ref%%:*}
        rm -f "$T/o"/*
        run_db run --image "$ref" --image-cache "$T/cache$i" -v "$T/in:/in:ro" -v "$T/o:/out:rw" -- --attest --run-date 2026-06-10
        b=$T/o/sandbox-attestation-inside.json
        check "$t: the seeds' harness ran to its end (rc=$rc)" [ $rc = 0 ]
        check "$t: its bundle says 12/12 PASS" [ "$(jq -c '.summary' "$b" 2>/dev/null)" = '{"total":12,"pass":12,"fail":0,"unverified":0}' ]
        check "$t: PR-EXEC-1 errno 1 (seccomp's EPERM, python3 is there)" \
                [ "$(jq -r '.probes[] | select(.probe_id == "PR-EXEC-1") | "\(.verdict) \(.errno_or_exit)"' "$b" 2>/dev/null)" = "PASS 1" ]
        check "$t: the run date argument reached the harness (Cmd replaced, Entrypoint kept)" [ "$(jq -r .run_date "$b" 2>/dev/null)" = 2026-06-10 ]
        check "$t: the denied exec is on stderr" grep -q 'exec denied: .*execve("/usr/bin/python3")' "$T/err"

        want=$(skopeo inspect --format '{{.Digest}}' "$ref")
        want_cfg=sha256:$(skopeo inspect --config --raw "$ref" | sha256sum | cut -d' ' -f1)
        rm -rf "$T/ev"
        run_db attest --image "$ref" --image-cache "$T/cache$i" -o "$T/ev"
        e=$T/ev/sandbox-attestation-evidence.json
        check "$t: attest --image exits $ATTEST_OK (rc=$rc)" [ $rc = $ATTEST_OK ]
        check "$t: ...every probe PASSes (but PR-MEM-2 where --memory is address space only)" all_pass "$e"
        check "$t: the bundle's image_digest is skopeo's ($want)" [ "$(jq -r .image_digest "$e" 2>/dev/null)" = "$want" ]
        check "$t: the bundle's config digest is the config's sha256" [ "$(jq -r .image_config_digest "$e" 2>/dev/null)" = "$want_cfg" ]
        check "$t: the bundle names the reference" [ "$(jq -r .image_reference "$e" 2>/dev/null)" = "$ref" ]
        check "$t: the Markdown report shows both digests" eval 'grep -q "$want" "$T/ev/sandbox-attestation-report.md" && grep -q "$want_cfg" "$T/ev/sandbox-attestation-report.md"'
        # verify --image resolves the image again and compares its digests with the bundle's
        "$DENYBOX" verify "$T/ev" --image "$ref" >"$T/vout" 2>&1
        vrc=$?
        check "$t: verify --image: the digests match (rc=$vrc)" grep -q "image $ref: manifest and config digests match" "$T/vout"
        check "$t: ...and no --image finding" eval '! grep -q "FINDING: --image" "$T/vout"'
        [ $i = 1 ] && first_ev=$T/ev-first && rm -rf "$first_ev" && cp -a "$T/ev/.current/." "$first_ev/" 2>/dev/null
done
# another image's bundle: verify --image names the mismatch
"$DENYBOX" verify "$first_ev/sandbox-attestation-evidence.json" --image "oci:$L:conf" >"$T/vout" 2>&1
check "verify --image of another image: a finding naming the manifest digest (rc=$?)" grep -q "FINDING: --image: oci:$L:conf has manifest digest" "$T/vout"

# ---- the cache -------------------------------------------------------------------------------
K=$T/cache1
entry=$K/images/sha256-$(skopeo inspect --format '{{.Digest}}' "oci:$L:attest" | cut -d: -f2)
check "the cache holds one entry, keyed by the manifest digest" eval '[ -d "$entry/rootfs" ] && [ "$(ls "$K/images" | wc -l)" = 1 ]'
check "the cache is the caller's alone (0700)" [ "$(stat -c %a "$K")" = 700 ]
stamp=$(stat -c '%i %Y' "$entry/rootfs")
run_db explain --image "oci:$L:attest" --image-cache "$K"
check "explain shows the image's digests, and that the cache was reused" eval 'grep -q "manifest digest sha256:" "$T/out" && grep -q "reused: nothing unpacked" "$T/out"'
run_db run --image "oci:$L:attest" --image-cache "$K" -v "$T/in:/in:ro" -v "$T/o:/out:rw" --entrypoint python3 -- \
        -c 'open("/app/x", "w")'
check "the payload cannot write the cached root (rc=$rc)" eval '[ $rc != 0 ] && grep -q "Read-only file system" "$T/err"'
check "the second run unpacked nothing (same directory, untouched)" [ "$(stat -c '%i %Y' "$entry/rootfs")" = "$stamp" ]
mkdir -p "$K/tmp/unpack.killed/rootfs" && touch "$K/tmp/unpack.killed/rootfs/half"
run_db image ls --image-cache "$K"
check "image ls lists the image and its reference" eval 'grep -q "${entry##*sha256-}" "$T/out" && grep -q "oci:$L:attest" "$T/out"'
check "a partial unpack (a killed run) is never listed" eval '! grep -q killed "$T/out"'
run_db image rm --image-cache "$K" "sha256:${entry##*sha256-}"
check "image rm removes it (rc=$rc)" eval '[ $rc = 0 ] && [ ! -e "$entry" ]'
run_db image rm --image-cache "$K" "sha256:${entry##*sha256-}"
check "image rm of an absent image: one line, exit 64" eval '[ $rc = 64 ] && one_line "$T/err"'
run_db image prune --image-cache "$T/cache2"
check "image prune empties the cache" eval '[ $rc = 0 ] && [ -z "$(find "$T/cache2" -mindepth 2)" ]'
run_db image prune --image-cache "$K"
check "image prune removes a killed run's partial unpack" [ -z "$(ls -A "$K/tmp")" ]

# ---- the config, as docker run reads it ------------------------------------------------------
run_db run --image "oci:$L:conf" --image-cache "$T/cache1"
check "User 'nonroot' is looked up in the image's /etc/passwd; WorkingDir /app; Cmd runs (rc=$rc)" grep -q "^65532 65532 /app " "$T/out"
check "the image's Env is passed (GREETING)" grep -q "'GREETING'" "$T/out"
check "a secret-looking key of the image (API_TOKEN) is not passed..." eval '! grep -q API_TOKEN "$T/out"'
check "...and is reported" grep -q "^denybox: image config: Env key API_TOKEN looks like a secret" "$T/err"
rm -rf "$T/ev"
run_db attest --image "oci:$L:conf" --image-cache "$T/cache1" -o "$T/ev"
check "attest applies the image's User, not its Env (the probe checks the scrubbed set; rc=$rc)" \
        eval '[ $rc = $ATTEST_OK ] && all_pass "$T/ev/sandbox-attestation-evidence.json" && [ "$(jq -r .sandbox.uid "$T/ev/sandbox-attestation-evidence.json")" = 65532 ]'
run_db run --image "oci:$L:conf" --image-cache "$T/cache1" -u 1000:1000 -w / -e GREETING=bye -- -c \
        'import os; print(os.getuid(), os.getcwd(), os.environ["GREETING"])'
check "-u, -w, -e and the arguments after -- win over the image" grep -q "^1000 / bye$" "$T/out"
run_db run --image "oci:$L:conf" --image-cache "$T/cache1" --entrypoint /usr/bin/python3 </dev/null
check "--entrypoint drops the image's Cmd (python3 reads an empty stdin, rc=$rc)" eval '[ $rc = 0 ] && [ ! -s "$T/out" ]'
run_db run --image "oci:$T/nope" --image-cache "$T/cache1" -- true
check "a missing layout: one line, exit 64" eval '[ $rc = 64 ] && one_line "$T/err"'
run_db run --image "registry.example/busybox" -- true
check "an unknown transport: one line naming the three, exit 64" eval '[ $rc = 64 ] && one_line "$T/err" && grep -q docker-archive "$T/err"'
run_db run --image "oci:$L:attest" --rootfs "$T/pyroot" -- true
check "--image with --rootfs: refused, exit 64" [ $rc = 64 ]
finish
