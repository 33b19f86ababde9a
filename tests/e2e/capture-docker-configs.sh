#!/bin/bash
# Captures the config.json files Docker (Debian's docker.io 20.10) hands to an
# OCI runtime, one per `docker run` option set, into tests/data/docker/, and
# `docker inspect` output for a few of them into tests/data/docker-inspect/.
#
#   tests/e2e/capture-docker-configs.sh [OUT_DIR [INSPECT_DIR]]
#
# Needs root.  Starts a private dockerd (lib_docker.sh) with
# tests/e2e/capture-runtime.sh registered as runtime `capture`, imports a
# busybox image, runs `sandbox-busybox true` per case with --network none
# (net-host excepted) and stops everything on exit.  No network access.
# Exits non-zero if any case failed; the others are still written.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/tests/data/docker}
inspect_out=${2:-$repo/tests/data/docker-inspect}
# shellcheck source=lib_docker.sh
. "$here/lib_docker.sh"

start=$SECONDS
die() {
	echo "capture-docker-configs: $*" >&2
	exit 1
}
[ "$(id -u)" = 0 ] || die "must run as root"
e2e_install_deps || die "cannot install dependencies"

work=$(mktemp -d /tmp/sbdock.XXXXXX) || die "mktemp failed"
trap 'docker_stop' EXIT
trap 'exit 130' INT TERM

capture_dir=$work/capture
mkdir -p "$capture_dir"
# The shim's environment is not ours to rely on: a tiny wrapper pins CAPTURE_DIR.
cat >"$work/capture-runtime" <<EOF
#!/bin/sh
CAPTURE_DIR='$capture_dir' exec '$here/capture-runtime.sh' "\$@"
EOF
chmod 755 "$work/capture-runtime"

docker_start "$work" "capture=$work/capture-runtime" || die "dockerd did not start"
busybox_image sandbox-busybox:latest || die "cannot import sandbox-busybox:latest"

server_version=$(dk version --format '{{.Server.Version}}')
client_version=$(dk version --format '{{.Client.Version}}')
containerd_version=$(containerd --version | awk '{print $3}')
runc_version=$(runc --version | awk 'NR == 1 {print $3}')
info_line=$(dk info --format 'storage driver {{.Driver}}, cgroup driver {{.CgroupDriver}}, cgroup v{{.CgroupVersion}}, kernel {{.KernelVersion}}, security options {{json .SecurityOptions}}')
echo "Docker $server_version (client $client_version), containerd $containerd_version, runc $runc_version"
echo "$info_line"

bnd=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
bounding_note="The capturing process's capability bounding set was 0x$bnd"
if command -v capsh >/dev/null; then
	last=$(cat /proc/sys/kernel/cap_last_cap)
	full=$(printf '%x' $(((1 << (last + 1)) - 1)))
	all=$(capsh --decode="$full" | sed 's/.*=//')
	have=$(capsh --decode="$bnd" | sed 's/.*=//')
	lacking=$(comm -23 <(tr , '\n' <<<"$all" | sort) <(tr , '\n' <<<"$have" | sort) | paste -sd, -)
	[ -n "$lacking" ] && bounding_note+=" (lacking $lacking)"
fi
bounding_note+="; runc cannot give a container capabilities outside it."

sock=$work/docker.sock
# name|docker run options (word-split; $sock is the private daemon's socket)
cases=(
	"default|"
	"privileged|--privileged"
	"pid-host|--pid=host"
	"ipc-host|--ipc=host"
	"uts-host|--uts=host"
	"cgroupns-host|--cgroupns=host"
	"cgroupns-private|--cgroupns=private"
	"cap-add-sys-admin|--cap-add SYS_ADMIN"
	"cap-add-all|--cap-add ALL"
	"seccomp-unconfined|--security-opt seccomp=unconfined"
	"systempaths-unconfined|--security-opt systempaths=unconfined"
	"docker-sock|-v $sock:/var/run/docker.sock"
	"host-root|-v /:/host"
	"device|--device /dev/kmsg"
	"read-only|--read-only"
	"user-1000|--user 1000"
	"limits|--memory 64m --pids-limit 100"
	"hardened|--read-only --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges --memory 64m --pids-limit 100 --network none"
	"net-host|--network host"
	"no-new-privileges|--security-opt no-new-privileges"
)
inspect_cases=(default privileged pid-host hardened)

mkdir -p "$out" "$inspect_out"
ok=() failed=() rows=() start_failed=() inspect_notes=()

# validate FILE NAME: valid JSON, an OCI config whose process.env names NAME.
validate() {
	/usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
c = json.load(open(path))
assert isinstance(c, dict) and c.get("ociVersion"), "no ociVersion"
env = c["process"]["env"]
assert "CAPTURE_NAME=" + name in env, "process.env lacks CAPTURE_NAME=" + name
assert c["root"]["path"], "no root.path"
PY
}

for entry in "${cases[@]}"; do
	name=${entry%%|*}
	opts=${entry#*|}
	# shellcheck disable=SC2206
	args=($opts)
	net=(--network none)
	case " $opts " in *" --network "*) net=() ;; esac
	cmd=(run --rm --runtime capture "${net[@]}" -e "CAPTURE_NAME=$name" "${args[@]}" sandbox-busybox true)
	shown="docker ${cmd[*]}"
	shown=${shown//$sock/<private daemon socket>}
	rm -f "$capture_dir/$name.json"
	run_err=""
	if ! msg=$(timeout 120 "$DOCKER_BIN" "${cmd[@]}" 2>&1); then
		run_err=$(echo "$msg" | tail -n 1)
	fi
	if [ ! -s "$capture_dir/$name.json" ]; then
		echo "FAIL $name: nothing captured${run_err:+: $run_err}" >&2
		failed+=("$name: nothing captured${run_err:+; docker run: $run_err}")
		continue
	fi
	if ! msg=$(validate "$capture_dir/$name.json" "$name" 2>&1); then
		echo "FAIL $name: $msg" >&2
		failed+=("$name: invalid capture: $(echo "$msg" | tail -n 1)")
		continue
	fi
	cp "$capture_dir/$name.json" "$out/$name.json"
	ok+=("$name")
	rows+=("| \`$name\` | \`$shown\` |")
	if [ -n "$run_err" ]; then
		# Docker built and handed over the config; only runc failed here.
		start_failed+=("\`$name\`: $run_err")
		echo "ok   $name (captured; runc could not start it: $run_err)"
	else
		echo "ok   $name"
	fi
done

inspect_ok=() inspect_rows=()
for name in "${inspect_cases[@]}"; do
	for entry in "${cases[@]}"; do [ "${entry%%|*}" = "$name" ] && opts=${entry#*|}; done
	# shellcheck disable=SC2206
	args=($opts)
	net=(--network none)
	case " $opts " in *" --network "*) net=() ;; esac
	cname=sb-inspect-$name
	cmd=(run -d --name "$cname" "${net[@]}" "${args[@]}" sandbox-busybox sleep 30)
	run_err=""
	if ! msg=$(timeout 120 "$DOCKER_BIN" "${cmd[@]}" 2>&1); then
		# The container may exist (created, start failed): its inspect still
		# shows the full HostConfig, so keep it and say so.
		run_err=$(echo "$msg" | tail -n 1)
	fi
	if timeout 30 "$DOCKER_BIN" inspect "$cname" >"$inspect_out/$name.json.tmp" 2>/dev/null &&
		/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d[0]["State"]["Running"] or sys.argv[2]' \
			"$inspect_out/$name.json.tmp" "$run_err"; then
		mv -f "$inspect_out/$name.json.tmp" "$inspect_out/$name.json"
		inspect_ok+=("$name")
		inspect_rows+=("| \`$name\` | \`docker ${cmd[*]}\`, then \`docker inspect $cname\` |")
		if [ -n "$run_err" ]; then
			inspect_notes+=("\`$name\`: the container was created but did not start (State.Status \`created\`): $run_err")
			echo "ok   inspect $name (created, not started: $run_err)"
		else
			echo "ok   inspect $name"
		fi
	else
		rm -f "$inspect_out/$name.json.tmp"
		failed+=("inspect $name: docker inspect failed or container not running")
	fi
	timeout 60 "$DOCKER_BIN" rm -f "$cname" >/dev/null 2>&1
done

# The runtime invocations seen (by containerd-shim-runc-v2), paths made generic.
if [ -s "$capture_dir/argv.log" ]; then
	sed "s|$work|/tmp/sbdock.XXXXXX|g" "$capture_dir/argv.log" >"$out/runtime-argv.txt"
fi

elapsed=$((SECONDS - start))
{
	cat <<EOF
# Docker-generated OCI configs

Each \`<case>.json\` here is the \`config.json\` that Docker handed to its OCI
runtime for one \`docker run\`, copied byte for byte (nothing stripped or
reformatted) from the bundle by \`tests/e2e/capture-runtime.sh\`, registered
as runtime \`capture\` and exec'ing runc.  Produced by
\`tests/e2e/capture-docker-configs.sh\` (as root; about ${elapsed}s) with:

- Docker $server_version (Debian docker.io; client $client_version), containerd $containerd_version, runc $runc_version
- $info_line
- a private dockerd: \`--data-root\`, \`--exec-root\`, socket under a
  \`mktemp -d /tmp/sbdock.XXXXXX\` directory, \`--iptables=false --bridge=none\`
  (so paths such as \`root.path\` name that temporary directory)
- image \`sandbox-busybox:latest\`: Debian's busybox-static with applet symlinks,
  \`docker import --change 'CMD ["/bin/sh"]'\`

Every container's environment has \`CAPTURE_NAME=<case>\`. Cases:

| case | command |
| --- | --- |
EOF
	printf '%s\n' "${rows[@]}"
	if [ ${#start_failed[@]} -gt 0 ]; then
		printf '\nCaptured, but runc could not start these containers on the capturing\n'
		printf 'machine (runc fails after the runtime was handed the config; the file\n'
		printf 'is still exactly what Docker generated):\n\n'
		printf -- '- %s\n' "${start_failed[@]}"
		printf '\n%s\n' "$bounding_note"
	fi
	if [ ${#failed[@]} -gt 0 ]; then
		printf '\nNot captured:\n\n'
		printf -- '- %s\n' "${failed[@]}"
	fi
	cat <<EOF

Notes: on this cgroup v1 host Docker's default cgroup namespace mode is
\`host\`, so \`default\` and \`cgroupns-host\` have no cgroup namespace;
\`cgroupns-private\` (not in the original list) shows the private one.
\`docker-sock\` binds the private daemon's own socket.  In \`net-host\`
Docker does not drop the network namespace: it keeps a \`network\` entry
whose \`path\` is its bind of the host's namespace
(\`<exec-root>/netns/default\`), and has no prestart hook.  Every other case
has Docker's \`libnetwork-setkey\` prestart hook (\`/proc/<dockerd pid>/exe\`).

\`runtime-argv.txt\` lists every call the shim made to the \`capture\` runtime
during the run, in order, shell-quoted, the temporary directory replaced by
\`/tmp/sbdock.XXXXXX\` (the configs themselves keep the real path).

\`../docker-inspect/<case>.json\` is \`docker inspect\` output (runtime runc)
for a running container started as:

| case | command |
| --- | --- |
EOF
	printf '%s\n' "${inspect_rows[@]}"
	if [ ${#inspect_notes[@]} -gt 0 ]; then
		printf '\n'
		printf -- '- %s\n' "${inspect_notes[@]}"
	fi
} >"$out/README.md"

echo "captured ${#ok[@]} configs: ${ok[*]}"
echo "inspected ${#inspect_ok[@]}: ${inspect_ok[*]}"
echo "elapsed ${elapsed}s"
if [ ${#failed[@]} -gt 0 ]; then
	printf 'failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
exit 0
