#!/usr/bin/env python3
"""Writes docker-default.json: the config.json Docker 20.10 (systemd cgroup
driver, amd64) hands to its runtime for `docker run -it --ulimit memlock=-1:-1
alpine sh`, with Docker's default seccomp profile converted to the OCI
linux.seccomp form the way Docker does (arch and capability filtering).

usage: gen-docker-default.py docker-default-seccomp.json > docker-default.json"""
import json
import sys

CID = "4f1c2b0e9a7d" + "3c5e8f6a1b2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a2b3c"
CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
        "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]


def seccomp(profile):
    out = {"defaultAction": profile["defaultAction"],
           "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
           "syscalls": []}
    if "defaultErrnoRet" in profile:
        out["defaultErrnoRet"] = profile["defaultErrnoRet"]
    for call in profile["syscalls"]:
        inc, exc = call.get("includes") or {}, call.get("excludes") or {}
        if inc.get("arches") and "amd64" not in inc["arches"]:
            continue
        if "amd64" in (exc.get("arches") or []):
            continue
        if any(c not in CAPS for c in inc.get("caps") or []):
            continue
        if any(c in CAPS for c in exc.get("caps") or []):
            continue
        rule = {"names": call["names"], "action": call["action"]}
        if call.get("args"):
            rule["args"] = [{"index": a["index"], "value": a["value"],
                             "valueTwo": a.get("valueTwo", 0), "op": a["op"]}
                            for a in call["args"]]
        if "errnoRet" in call:
            rule["errnoRet"] = call["errnoRet"]
        out["syscalls"].append(rule)
    return out


def main():
    profile = json.load(open(sys.argv[1]))
    ctr = "/var/lib/docker/containers/" + CID
    cfg = {
        "ociVersion": "1.0.2-dev",
        "process": {
            "terminal": True,
            "consoleSize": {"height": 50, "width": 200},
            "user": {"uid": 0, "gid": 0, "additionalGids": [0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27]},
            "args": ["sh"],
            "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "HOSTNAME=" + CID[:12], "TERM=xterm"],
            "cwd": "/",
            "capabilities": {"bounding": CAPS, "effective": CAPS, "permitted": CAPS},
            "rlimits": [{"type": "RLIMIT_MEMLOCK", "hard": 18446744073709551615,
                         "soft": 18446744073709551615}],
            "apparmorProfile": "docker-default",
            "oomScoreAdj": 0,
        },
        "root": {"path": "/var/lib/docker/overlay2/9b2f1c/merged"},
        "hostname": CID[:12],
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
            {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
             "options": ["ro", "nosuid", "noexec", "nodev"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"]},
            {"destination": "/etc/resolv.conf", "type": "bind", "source": ctr + "/resolv.conf",
             "options": ["rbind", "rprivate"]},
            {"destination": "/etc/hostname", "type": "bind", "source": ctr + "/hostname",
             "options": ["rbind", "rprivate"]},
            {"destination": "/etc/hosts", "type": "bind", "source": ctr + "/hosts",
             "options": ["rbind", "rprivate"]},
        ],
        "hooks": {"prestart": [{"path": "/usr/bin/dockerd",
                                "args": ["libnetwork-setkey", "-exec-root=/var/run/docker",
                                         CID, "5c2b4a1e0f3d"]}]},
        "linux": {
            "sysctl": {"net.ipv4.ip_unprivileged_port_start": "0"},
            "resources": {
                "devices": [
                    {"allow": False, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 1, "minor": 9, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 1, "minor": 8, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 5, "minor": 0, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 5, "minor": 1, "access": "rwm"},
                    {"allow": False, "type": "c", "major": 10, "minor": 229, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 136, "access": "rwm"},
                    {"allow": True, "type": "c", "major": 5, "minor": 2, "access": "rwm"},
                ],
                "memory": {"disableOOMKiller": False},
                "cpu": {"shares": 0},
                "pids": {"limit": 0},
                "blockIO": {"weight": 0},
            },
            "cgroupsPath": "system.slice:docker:" + CID,
            "namespaces": [{"type": "mount"},
                           {"type": "network", "path": "/var/run/docker/netns/1f2e3d4c5b6a"},
                           {"type": "uts"}, {"type": "pid"}, {"type": "ipc"}, {"type": "cgroup"}],
            "seccomp": seccomp(profile),
            "maskedPaths": ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
                            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                            "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }
    json.dump(cfg, sys.stdout, indent="\t")
    sys.stdout.write("\n")


main()
