# shellcheck shell=bash
# containerd 1.6 (Debian's containerd) with sandbox as the runc binary of the
# runc v2 shim.  setup_file starts one private containerd (own root, state,
# socket; CRI plugin enabled) whose config carries the Kubernetes
# RuntimeClass stanza for a runtime handler named "sandbox", and imports
# sandbox-busybox:latest as an OCI image archive.
#
# What is exercised: ctr run/exec/kill/delete through the io.containerd.runc.v2
# shim with --runc-binary SANDBOX (the shim option the stanza's
# options.BinaryName sets), and that containerd loads the stanza (CRI plugin
# ok, `containerd config dump` shows the handler).  ctr cannot select a CRI
# runtime handler by name and no kubelet or crictl runs here.

: "${CTR_BIN:=/usr/bin/ctr}"
CNS=sbe2e                                   # containerd namespace (also the cgroup parent)
CIMG=docker.io/library/sandbox-busybox:latest

c() { timeout 60 "$CTR_BIN" --address "$E2E_DIR/c/containerd.sock" --namespace "$CNS" "$@"; }
# crun ID ARGS...: ctr run through the runc v2 shim with sandbox as its runc.
crun_sb() {
	c run --runtime io.containerd.runc.v2 --runc-binary "$SANDBOX" \
		--runc-root "$E2E_DIR/c/runc-root" "$@"
}

# _oci_archive ROOTFS OUT NAME: an OCI image layout tar (one uncompressed
# layer) that `ctr images import` names NAME.
_oci_archive() {
	local rootfs=$1 out=$2 name=$3 w
	w=$(mktemp -d "$E2E_DIR/oci.XXXXXX")
	mkdir -p "$w/blobs/sha256"
	tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$w/layer.tar" . || return 1
	/usr/bin/python3 - "$w" "$name" <<'PY' || return 1
import hashlib, json, os, sys
w, name = sys.argv[1], sys.argv[2]
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    with open(os.path.join(w, "blobs/sha256", d), "wb") as f:
        f.write(data)
    return {"digest": "sha256:" + d, "size": len(data)}
with open(os.path.join(w, "layer.tar"), "rb") as f:
    layer = f.read()
os.unlink(os.path.join(w, "layer.tar"))
lb = blob(layer)
cfg = {"architecture": "amd64", "os": "linux",
       "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},
       "rootfs": {"type": "layers", "diff_ids": [lb["digest"]]}}
cb = blob(json.dumps(cfg).encode())
man = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
       "config": dict(mediaType="application/vnd.oci.image.config.v1+json", **cb),
       "layers": [dict(mediaType="application/vnd.oci.image.layer.v1.tar", **lb)]}
mb = blob(json.dumps(man).encode())
idx = {"schemaVersion": 2, "manifests": [dict(
    mediaType="application/vnd.oci.image.manifest.v1+json", **mb,
    annotations={"io.containerd.image.name": name,
                 "org.opencontainers.image.ref.name": name.rsplit(":", 1)[1]})]}
with open(os.path.join(w, "index.json"), "w") as f:
    json.dump(idx, f)
with open(os.path.join(w, "oci-layout"), "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
PY
	tar -C "$w" -cf "$out" oci-layout index.json blobs && rm -rf "$w"
}

setup_file() {
	local d=$E2E_DIR/c
	mkdir -p "$d"/{root,state,opt,runc-root}
	# The stanza below is the one docs/kubernetes.md gives for RuntimeClass
	# handler "sandbox"; everything else keeps containerd private.
	cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
oom_score = 0
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = ""
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
  enable_selinux = false
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$d/cni-bin"
  conf_dir = "$d/cni-conf"
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.sandbox]
  runtime_type = "io.containerd.runc.v2"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.sandbox.options]
  BinaryName = "$SANDBOX"
  Root = "$d/runc-root"
EOF
	/usr/bin/containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 &
	echo $! >"$d/containerd.pid"
	wait_until 30 c version >/dev/null 2>&1 || {
		tail -n 30 "$d/containerd.log"
		return 1
	}
	make_rootfs "$d/rootfs" || return 1
	_oci_archive "$d/rootfs" "$d/busybox.tar" "$CIMG" || return 1
	rm -rf "$d/rootfs"
	c images import "$d/busybox.tar" || return 1
	c images ls -q | grep -qx "$CIMG"
}

teardown_file() {
	local d=$E2E_DIR/c id
	if [ -S "$d/containerd.sock" ]; then
		for id in $(c tasks ls -q 2>/dev/null); do
			c tasks kill -s KILL "$id" >/dev/null 2>&1
			c tasks delete -f "$id" >/dev/null 2>&1
		done
		for id in $(c containers ls -q 2>/dev/null); do
			c containers delete "$id" >/dev/null 2>&1
		done
	fi
	local pid
	pid=$(cat "$d/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null
		wait_until 15 sh -c "! kill -0 $pid 2>/dev/null" || kill -KILL "$pid" 2>/dev/null
	fi
	# shims outlive containerd; theirs name our socket
	local p
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = containerd-shim ] ||
			[ "$(cat "$p/comm" 2>/dev/null)" = containerd-shim-runc-v2 ] || continue
		tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -qF "$d/" && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	# the containers' cgroups: /<namespace>/<id> in every hierarchy
	local cg
	for cg in /sys/fs/cgroup/*/"$CNS" /sys/fs/cgroup/"$CNS"; do
		[ -d "$cg" ] || continue
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
	done
	return 0
}

test_ctr_run_foreground_output_and_exit_code() {
	local out rc=0
	out=$(crun_sb --rm "$CIMG" fg1 sh -c 'echo hello-from-ctr; exit 42' 2>&1) || rc=$?
	assert_eq 42 "$rc" "ctr run exit code" || return 1
	assert_contains "$out" hello-from-ctr
}

test_ctr_run_detached_exec_kill_delete() {
	# PID 1 of a PID namespace only gets signals it handles: trap TERM.
	crun_sb -d "$CIMG" det1 sh -c 'trap "exit 0" TERM; while :; do sleep 0.2; done' >/dev/null || return 1
	# The shim's runtime is sandbox: its state directory holds the task.
	local st
	st=$("$SANDBOX" --root "$E2E_DIR/c/runc-root/$CNS" state det1) || fail "sandbox state: $st" || return 1
	grep -Eq '"status": *"running"' <<<"$st" || fail "sandbox state: $st" || return 1
	assert_contains "$(c tasks ls)" "det1" "ctr tasks ls" || return 1
	local out rc=0
	out=$(c tasks exec --exec-id e1 det1 sh -c 'echo exec-out; cat /proc/1/comm; exit 6') || rc=$?
	assert_eq 6 "$rc" "ctr task exec exit code" || return 1
	assert_contains "$out" exec-out || return 1
	assert_eq sh "$(sed -n 2p <<<"$out")" "PID 1 seen from exec" || return 1
	assert_contains "$(c tasks ps det1)" "$(c tasks ls | awk '$1 == "det1" { print $2 }')" "ctr tasks ps" || return 1
	c tasks kill det1 || return 1 # SIGTERM
	wait_until 15 sh -c "'$CTR_BIN' --address '$E2E_DIR/c/containerd.sock' -n $CNS tasks ls | grep -q 'det1.*STOPPED'" ||
		fail "task not stopped after SIGTERM: $(c tasks ls)" || return 1
	c tasks delete det1 >/dev/null || return 1
	c containers delete det1 || return 1
	assert_not_contains "$(c containers ls -q)" det1 "ctr containers ls" || return 1
	"$SANDBOX" --root "$E2E_DIR/c/runc-root/$CNS" state det1 >/dev/null 2>&1 &&
		fail "sandbox still has state for det1"
	return 0
}

test_ctr_kill_sigkill_and_tty_exec() {
	crun_sb -d "$CIMG" k1 sh -c 'trap "" TERM; while :; do sleep 0.2; done' >/dev/null || return 1
	local out rc=0
	out=$(pty_drive --timeout 30 'expect:# ' 'send:tty; echo a$((2+3))b\r' 'expect:a5b' 'send:exit 4\r' \
		-- "$CTR_BIN" --address "$E2E_DIR/c/containerd.sock" -n "$CNS" tasks exec -t --exec-id t1 k1 sh) || rc=$?
	echo "$out"
	assert_eq 4 "$rc" "ctr task exec -t exit code" || return 1
	assert_contains "$out" /dev/pts/ "tty in exec -t" || return 1
	c tasks kill -s KILL k1 || return 1
	wait_until 15 sh -c "'$CTR_BIN' --address '$E2E_DIR/c/containerd.sock' -n $CNS tasks ls | grep -q 'k1.*STOPPED'" ||
		fail "task not stopped after SIGKILL: $(c tasks ls)" || return 1
	c tasks delete k1 >/dev/null && c containers delete k1
}

test_containerd_config_runtime_handler_sandbox() {
	# containerd accepted the RuntimeClass stanza: the CRI plugin loaded
	# and the merged configuration has the handler with our binary.
	local out
	out=$(c plugins ls)
	grep -E 'io.containerd.grpc.v1 +cri +.* ok' <<<"$out" ||
		fail "CRI plugin not ok: $(grep cri <<<"$out"); $(grep -i 'cri' "$E2E_DIR/c/containerd.log" | tail -5)" || return 1
	out=$(timeout 30 /usr/bin/containerd --config "$E2E_DIR/c/config.toml" config dump)
	assert_contains "$out" '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.sandbox]' || return 1
	assert_contains "$out" "BinaryName = \"$SANDBOX\"" || return 1
	assert_contains "$out" 'runtime_type = "io.containerd.runc.v2"'
}
