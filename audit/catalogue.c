/* The audit catalogue: every check as one row of data. `sandbox audit
 * --list-checks` prints it and docs/audit.md is generated from it; the checks
 * (audit/checks_*.c) refer to rows by their stable ID. IDs are never reused:
 * a retired check keeps its number. */
#include <string.h>
#include <strings.h>

#include "audit/audit.h"

#define B AUDIT_PSS_BASELINE
#define R AUDIT_PSS_RESTRICTED
#define N AUDIT_PSS_NONE

static const struct audit_check catalogue[] = {
    /* ---- namespaces ---- */
    {"SB-NS-001", AUDIT_HIGH, "Host PID namespace",
     "The container sees and can signal every host process; with CAP_SYS_PTRACE it can read their "
     "memory and enter them through /proc/PID/root.",
     "Remove --pid=host (docker/podman); set hostPID: false in the Pod spec.", B, "Host Namespaces",
     "5.15", ".HostConfig.PidMode"},
    {"SB-NS-002", AUDIT_HIGH, "Host network namespace",
     "The container uses the host's interfaces and loopback services (kubelet, cloud metadata, "
     "daemons bound to 127.0.0.1) and can sniff or bind host ports.",
     "Remove --network=host (docker/podman); set hostNetwork: false in the Pod spec.", B,
     "Host Namespaces", "5.9", ".HostConfig.NetworkMode"},
    {"SB-NS-003", AUDIT_HIGH, "Host IPC namespace",
     "The container can read and write the host's System V shared memory, semaphores and message "
     "queues and the host's /dev/shm.",
     "Remove --ipc=host (docker/podman); set hostIPC: false in the Pod spec.", B, "Host Namespaces",
     "5.16", ".HostConfig.IpcMode"},
    {"SB-NS-004", AUDIT_MEDIUM, "Host UTS namespace",
     "With CAP_SYS_ADMIN the container can change the host's hostname and NIS domain name.",
     "Remove --uts=host (docker/podman); Kubernetes always gives pods their own UTS namespace.", N,
     NULL, "5.20", ".HostConfig.UTSMode"},
    {"SB-NS-005", AUDIT_LOW, "No user namespace",
     "Root in the container is root on the host: any escape (kernel bug, writable host mount, "
     "leaked file descriptor) lands with full host privileges.",
     "Enable user namespaces: dockerd --userns-remap, podman --userns=auto, Kubernetes "
     "hostUsers: false.",
     N, NULL, "5.30", ".HostConfig.UsernsMode"},
    {"SB-NS-006", AUDIT_LOW, "Host cgroup namespace",
     "The container sees the host's cgroup paths in /proc/self/cgroup and, on cgroup v1, the "
     "whole host hierarchy under /sys/fs/cgroup.",
     "Use --cgroupns=private (docker/podman; the default on cgroup v2 hosts).", N, NULL, NULL,
     ".HostConfig.CgroupnsMode"},
    {"SB-NS-007", AUDIT_INFO, "Host time namespace",
     "The container shares the host's CLOCK_MONOTONIC and CLOCK_BOOTTIME offsets (the usual case; "
     "only a concern with CAP_SYS_TIME).",
     "Nothing to do unless the workload needs its own clocks (a time namespace).", N, NULL, NULL,
     NULL},
    {"SB-NS-008", AUDIT_CRITICAL, "Host mount namespace",
     "The container runs in the host's mount table: its mounts and pivot_root affect the host and "
     "it sees every host filesystem.",
     "Give the container its own mount namespace (a \"mount\" entry in .linux.namespaces); every "
     "engine does by default.",
     N, NULL, NULL, NULL},
    {"SB-NS-009", AUDIT_INFO, "Joins an existing namespace",
     "The container joins a namespace by path (another container's, a pod's): it shares that "
     "namespace's processes, network or IPC objects.",
     "Check that sharing is intended (docker --network/--pid/--ipc container:NAME, pod sharing).",
     N, NULL, NULL, NULL},

    /* ---- capabilities ---- */
    {"SB-CAP-001", AUDIT_CRITICAL, "Every capability granted",
     "All capabilities (--cap-add ALL or --privileged) let root in the container load kernel "
     "modules, mount filesystems, access raw devices and escape.",
     "Remove --cap-add ALL / --privileged; use --cap-drop ALL and add back only what is needed "
     "(Kubernetes: securityContext.capabilities.drop: [ALL]).",
     B, "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-002", AUDIT_MEDIUM, "Capabilities beyond Docker's default set",
     "Each capability outside the default set widens the kernel attack surface and most are "
     "known escape primitives.",
     "Remove the --cap-add (docker/podman) or securityContext.capabilities.add entries; grant only "
     "what the workload needs.",
     B, "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-003", AUDIT_LOW, "Capabilities not dropped",
     "The restricted standard requires dropping every capability but NET_BIND_SERVICE; the rest "
     "are rarely needed by applications.",
     "docker/podman --cap-drop ALL (then --cap-add NET_BIND_SERVICE if needed); Kubernetes "
     "securityContext.capabilities.drop: [ALL].",
     R, "Capabilities", "5.3", ".HostConfig.CapDrop"},
    {"SB-CAP-010", AUDIT_CRITICAL, "CAP_SYS_ADMIN",
     "mount, namespaces, BPF, keyctl, cgroup release_agent: the capability behind most container "
     "escapes.",
     "Remove --cap-add SYS_ADMIN; Kubernetes: drop SYS_ADMIN from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-011", AUDIT_CRITICAL, "CAP_SYS_MODULE",
     "Loading a kernel module is arbitrary code in the host kernel.",
     "Remove --cap-add SYS_MODULE; Kubernetes: drop SYS_MODULE from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-012", AUDIT_HIGH, "CAP_SYS_PTRACE",
     "ptrace and process_vm_* on any process the container can see; with a shared PID namespace, "
     "host processes.",
     "Remove --cap-add SYS_PTRACE; Kubernetes: drop SYS_PTRACE from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-013", AUDIT_HIGH, "CAP_SYS_RAWIO",
     "Raw I/O ports, /dev/mem and SG_IO on devices: reading and writing host memory and disks.",
     "Remove --cap-add SYS_RAWIO; Kubernetes: drop SYS_RAWIO from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-014", AUDIT_HIGH, "CAP_DAC_READ_SEARCH",
     "open_by_handle_at reaches files outside the container's root (the \"shocker\" escape).",
     "Remove --cap-add DAC_READ_SEARCH; Kubernetes: drop DAC_READ_SEARCH from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-015", AUDIT_HIGH, "CAP_BPF",
     "Loading BPF programs and maps: kernel memory reads and a large verifier attack surface.",
     "Remove --cap-add BPF; Kubernetes: drop BPF from capabilities.add.", B, "Capabilities", "5.3",
     ".HostConfig.CapAdd"},
    {"SB-CAP-016", AUDIT_HIGH, "CAP_MAC_ADMIN",
     "Changes the MAC policy (AppArmor/SELinux/Smack) that confines the container.",
     "Remove --cap-add MAC_ADMIN; Kubernetes: drop MAC_ADMIN from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-017", AUDIT_HIGH, "CAP_MAC_OVERRIDE",
     "Overrides the MAC policy that confines the container.",
     "Remove --cap-add MAC_OVERRIDE; Kubernetes: drop MAC_OVERRIDE from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-018", AUDIT_MEDIUM, "CAP_NET_ADMIN",
     "Reconfigures interfaces, routes and firewall of the network namespace (the host's with "
     "--network=host) and exposes netfilter to kernel bugs.",
     "Remove --cap-add NET_ADMIN; Kubernetes: drop NET_ADMIN from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-019", AUDIT_MEDIUM, "CAP_SYS_TIME",
     "Sets the host's system clock (clocks are not namespaced), breaking TLS, logs and leases.",
     "Remove --cap-add SYS_TIME; Kubernetes: drop SYS_TIME from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-020", AUDIT_MEDIUM, "CAP_SYS_BOOT",
     "reboot(2) and kexec_load; in the host PID namespace it reboots the host.",
     "Remove --cap-add SYS_BOOT; Kubernetes: drop SYS_BOOT from capabilities.add.", B,
     "Capabilities", "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-021", AUDIT_MEDIUM, "CAP_PERFMON",
     "perf_event_open on the whole system: side channels and kernel pointer leaks.",
     "Remove --cap-add PERFMON; Kubernetes: drop PERFMON from capabilities.add.", B, "Capabilities",
     "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-022", AUDIT_MEDIUM, "CAP_SYSLOG",
     "Reads the kernel log and unhides kernel addresses (defeats KASLR).",
     "Remove --cap-add SYSLOG; Kubernetes: drop SYSLOG from capabilities.add.", B, "Capabilities",
     "5.3", ".HostConfig.CapAdd"},
    {"SB-CAP-023", AUDIT_LOW, "CAP_NET_RAW",
     "Raw and packet sockets: ARP/DNS spoofing of neighbours on the same bridge. In Docker's "
     "default set, but outside the Kubernetes baseline.",
     "docker/podman --cap-drop NET_RAW; Kubernetes: capabilities.drop: [NET_RAW] (or ALL).", B,
     "Capabilities", "5.3", ".HostConfig.CapDrop"},
    {"SB-CAP-024", AUDIT_LOW, "CAP_MKNOD",
     "Creates device nodes; only the device cgroup stands between them and host devices.",
     "docker/podman --cap-drop MKNOD; Kubernetes: capabilities.drop: [ALL].", R, "Capabilities",
     "5.3", ".HostConfig.CapDrop"},
    {"SB-CAP-025", AUDIT_LOW, "CAP_SETFCAP",
     "Sets file capabilities, letting a later exec gain capabilities.",
     "docker/podman --cap-drop SETFCAP; Kubernetes: capabilities.drop: [ALL].", R, "Capabilities",
     "5.3", ".HostConfig.CapDrop"},
    {"SB-CAP-026", AUDIT_MEDIUM, "Ambient capabilities",
     "Ambient capabilities survive execve of unprivileged programs, so every program the "
     "container runs holds them, even as a non-root user.",
     "Remove .process.capabilities.ambient (podman --cap-add with a non-root user sets it); keep "
     "capabilities in the bounding set only.",
     R, "Capabilities", "5.3", NULL},

    /* ---- privileges, seccomp, LSM ---- */
    {"SB-PRIV-001", AUDIT_CRITICAL, "Privileged container",
     "Every capability, access to every host device and unmasked /proc and /sys: the container "
     "is root on the host in all but name.",
     "Remove --privileged (docker/podman); set securityContext.privileged: false.", B,
     "Privileged Containers", "5.4", ".HostConfig.Privileged"},
    {"SB-PRIV-002", AUDIT_MEDIUM, "Privilege escalation allowed (no_new_privs off)",
     "setuid-root and file-capability binaries in the image can raise privileges inside the "
     "container.",
     "docker/podman --security-opt no-new-privileges; Kubernetes "
     "securityContext.allowPrivilegeEscalation: false.",
     R, "Privilege Escalation", "5.25", ".HostConfig.SecurityOpt"},
    {"SB-PRIV-003", AUDIT_MEDIUM, "Runs as root without a user namespace",
     "uid 0 in the container is uid 0 on the host: files on any host mount are owned and writable "
     "as root, and any escape is a root escape.",
     "Run as a non-root user: docker/podman --user 1000:1000 (or USER in the image); Kubernetes "
     "runAsNonRoot: true, runAsUser > 0; or use a user namespace.",
     R, "Running as Non-root", "4.1", ".Config.User"},
    {"SB-SECCOMP-001", AUDIT_HIGH, "No seccomp filter",
     "Every system call reaches the kernel, including the ones behind past escapes (keyctl, "
     "userfaultfd, unshare, bpf, io_uring...).",
     "Remove --security-opt seccomp=unconfined (docker/podman); Kubernetes "
     "securityContext.seccompProfile.type: RuntimeDefault.",
     B, "Seccomp", "5.21", ".HostConfig.SecurityOpt"},
    {"SB-SECCOMP-002", AUDIT_MEDIUM, "Seccomp filter allows by default",
     "A deny-list profile lets through every system call it does not name, including new ones.",
     "Use an allow-list profile (defaultAction SCMP_ACT_ERRNO), such as the engine's default.", R,
     "Seccomp", "5.21", ".HostConfig.SecurityOpt"},
    {"SB-LSM-001", AUDIT_HIGH, "AppArmor unconfined",
     "The AppArmor profile that blocks mount, /proc and /sys writes and ptrace is off.",
     "Remove --security-opt apparmor=unconfined (docker/podman); Kubernetes "
     "securityContext.appArmorProfile.type: RuntimeDefault.",
     B, "AppArmor", "5.1", ".HostConfig.SecurityOpt"},
    {"SB-LSM-002", AUDIT_MEDIUM, "SELinux separation disabled",
     "An unconfined SELinux type (spc_t, unconfined_t) or label=disable removes the MCS "
     "separation between containers and from the host.",
     "Remove --security-opt label=disable / label=type:spc_t (docker/podman); Kubernetes: do not "
     "set seLinuxOptions.type to an unconfined type.",
     B, "SELinux", "5.2", ".HostConfig.SecurityOpt"},
    {"SB-LSM-003", AUDIT_LOW, "No AppArmor profile or SELinux label",
     "No mandatory access control confines the container (expected on hosts without AppArmor or "
     "SELinux).",
     "Run on a host with AppArmor or SELinux enabled; docker/podman apply their default profile "
     "(--security-opt apparmor=docker-default).",
     N, NULL, "5.1", ".AppArmorProfile"},

    /* ---- mounts ---- */
    {"SB-MNT-001", AUDIT_CRITICAL, "Container engine socket mounted",
     "The engine's API (docker, containerd, CRI-O, podman) starts a privileged container with the "
     "host's / mounted: root on the host.",
     "Remove the -v .../docker.sock bind (docker/podman) or the hostPath volume; use a "
     "restricted API proxy if the workload really needs the engine.",
     B, "HostPath Volumes", "5.31", ".HostConfig.Binds"},
    {"SB-MNT-002", AUDIT_CRITICAL, "Host root filesystem mounted",
     "The host's / is visible, and writable unless read-only: /etc/shadow, cron, the kubelet's "
     "and engine's state.",
     "Remove the -v /:... bind (docker/podman) or hostPath volume with path \"/\".", B,
     "HostPath Volumes", "5.5", ".HostConfig.Binds"},
    {"SB-MNT-003", AUDIT_HIGH, "Sensitive host directory mounted",
     "Host /etc, /root, /home, /boot, /lib/modules, /dev, /proc, /sys, /var/lib/docker or "
     "/var/lib/kubelet give credentials, other containers' data or code run by the host.",
     "Remove the bind (docker/podman -v) or hostPath volume; mount only the application's own "
     "data, read-only where possible.",
     B, "HostPath Volumes", "5.5", ".HostConfig.Binds"},
    {"SB-MNT-004", AUDIT_HIGH, "/proc or /sys writable",
     "A writable sysfs or a bind of the host's /proc or /sys reaches host-wide kernel settings "
     "(uevent_helper, core_pattern) that run programs on the host.",
     "Keep sysfs read-only (the engine's default without --privileged); remove binds of host "
     "/proc and /sys.",
     B, "HostPath Volumes", "5.5", ".HostConfig.Binds"},
    {"SB-MNT-005", AUDIT_HIGH, "Writable cgroup filesystem",
     "A writable cgroup v1 hierarchy gives the release_agent escape and lets the container lift "
     "its own limits.",
     "Keep /sys/fs/cgroup read-only (the default without --privileged); use --cgroupns=private.", N,
     NULL, NULL, ".HostConfig.Binds"},
    {"SB-MNT-006", AUDIT_MEDIUM, "Shared mount propagation",
     "With shared or rshared propagation, mounts made in the container appear on the host (and "
     "host mounts in the container).",
     "Use rprivate or rslave (docker -v SRC:DST:rslave, --mount bind-propagation=rslave); "
     "Kubernetes mountPropagation: None or HostToContainer.",
     N, NULL, "5.19", ".HostConfig.Binds"},
    {"SB-MNT-007", AUDIT_LOW, "Host path mounted",
     "A bind of a host path shares host files with the container; the baseline standard forbids "
     "hostPath volumes.",
     "Prefer named volumes (docker volume, Kubernetes persistentVolumeClaim/emptyDir); mount host "
     "paths read-only (:ro, readOnly: true).",
     B, "HostPath Volumes", "5.5", ".HostConfig.Binds"},
    {"SB-MNT-008", AUDIT_INFO, "Engine-managed bind",
     "The engine's own binds (/etc/resolv.conf, /etc/hostname, /etc/hosts) of per-container "
     "files: expected.",
     "Nothing to do.", N, NULL, NULL, NULL},

    /* ---- devices ---- */
    {"SB-DEV-001", AUDIT_HIGH, "Every device allowed",
     "The device cgroup allows every device: with CAP_MKNOD the container opens host disks and "
     "/dev/mem.",
     "Remove --privileged and --device-cgroup-rule 'a *:* rwm' (docker/podman).", B,
     "Privileged Containers", "5.17", ".HostConfig.DeviceCgroupRules"},
    {"SB-DEV-002", AUDIT_HIGH, "Block device exposed",
     "Raw access to a host disk bypasses every filesystem permission.",
     "Remove --device /dev/sdX (docker/podman); use volumes instead of raw disks.", N, NULL, "5.17",
     ".HostConfig.Devices"},
    {"SB-DEV-003", AUDIT_HIGH, "Kernel memory or log device exposed",
     "/dev/mem, /dev/kmem, /dev/port and /dev/kmsg read or write kernel memory, I/O ports or the "
     "kernel log.",
     "Remove --device /dev/mem, /dev/kmem, /dev/port, /dev/kmsg (docker/podman).", N, NULL, "5.17",
     ".HostConfig.Devices"},
    {"SB-DEV-004", AUDIT_LOW, "Host device exposed",
     "Each host device is kernel driver code reachable from the container.",
     "Remove --device flags that are not needed (docker/podman); use device plugins in "
     "Kubernetes.",
     N, NULL, "5.17", ".HostConfig.Devices"},

    /* ---- resources ---- */
    {"SB-RES-001", AUDIT_LOW, "No memory limit",
     "The container can exhaust host memory and get other workloads OOM-killed.",
     "docker/podman --memory 512m; Kubernetes resources.limits.memory.", N, NULL, "5.10",
     ".HostConfig.Memory"},
    {"SB-RES-002", AUDIT_LOW, "No pids limit",
     "A fork bomb in the container exhausts the host's process table.",
     "docker/podman --pids-limit 1024; Kubernetes: the kubelet's podPidsLimit.", N, NULL, "5.28",
     ".HostConfig.PidsLimit"},
    {"SB-RES-003", AUDIT_MEDIUM, "Negative oomScoreAdj",
     "The container is protected from the OOM killer at the expense of host processes.",
     "Remove --oom-score-adj with a negative value (docker/podman).", N, NULL, NULL,
     ".HostConfig.OomScoreAdj"},
    {"SB-RES-004", AUDIT_LOW, "OOM killer disabled",
     "With the OOM killer off, a container at its memory limit hangs instead of being killed.",
     "Remove --oom-kill-disable (docker/podman).", N, NULL, NULL, ".HostConfig.OomKillDisable"},

    /* ---- sysctl ---- */
    {"SB-SYSCTL-001", AUDIT_MEDIUM, "Sysctl outside the safe set",
     "Only a few sysctls are safe to set per container (Kubernetes' safe set); others weaken "
     "isolation or the network stack.",
     "Remove --sysctl (docker/podman) or securityContext.sysctls entries outside the safe set.", B,
     "Sysctls", NULL, ".HostConfig.Sysctls"},
    {"SB-SYSCTL-002", AUDIT_HIGH, "Sysctl changes the host",
     "The parameter is not namespaced for this container (or its namespace is the host's): "
     "setting it changes the whole host.",
     "Remove the --sysctl (docker/podman) or securityContext.sysctls entry; set host-wide "
     "parameters on the host.",
     B, "Sysctls", NULL, ".HostConfig.Sysctls"},

    /* ---- hooks ---- */
    {"SB-HOOK-001", AUDIT_MEDIUM, "Hook runs a host binary",
     "OCI hooks run on the host, as the runtime's user (root), outside every container "
     "confinement.",
     "Check that each hook is an expected engine or plugin binary (NVIDIA, CNI, ...); remove any "
     "other from the bundle.",
     N, NULL, NULL, NULL},
    {"SB-HOOK-002", AUDIT_INFO, "Engine-managed hook",
     "Docker's libnetwork-setkey prestart hook (the daemon's own binary): expected.",
     "Nothing to do.", N, NULL, NULL, NULL},

    /* ---- root filesystem and system paths ---- */
    {"SB-FS-001", AUDIT_LOW, "Writable root filesystem",
     "An attacker can modify the image's binaries and drop tools; a read-only root makes "
     "compromise harder and visible.",
     "docker/podman --read-only (with --tmpfs for scratch); Kubernetes "
     "securityContext.readOnlyRootFilesystem: true.",
     N, NULL, "5.12", ".HostConfig.ReadonlyRootfs"},
    {"SB-FS-002", AUDIT_HIGH, "Masked paths removed",
     "Unmasked /proc/kcore, /proc/keys, /proc/timer_list, /sys/firmware ... leak kernel memory "
     "and host information.",
     "Remove --security-opt systempaths=unconfined (docker/podman); Kubernetes procMount: "
     "Default.",
     B, "/proc Mount Type", NULL, ".HostConfig.MaskedPaths"},
    {"SB-FS-003", AUDIT_HIGH, "Read-only paths removed",
     "A writable /proc/sys or /proc/sysrq-trigger lets root in the container change host kernel "
     "settings (core_pattern runs a program on the host) or crash the host.",
     "Remove --security-opt systempaths=unconfined (docker/podman); Kubernetes procMount: "
     "Default.",
     B, "/proc Mount Type", NULL, ".HostConfig.ReadonlyPaths"},

    /* ---- the sandbox profile ---- */
    {"SB-PROFILE-001", AUDIT_HIGH, "Exceeds the sandbox profile's bounds",
     "The profile the container would run under (--profile, the dev.sandbox.profile "
     "annotation, else `default`) does not accept this setting: `sandbox create` refuses the "
     "container.",
     "Drop the setting (host namespace, added capability, --privileged), or choose a profile "
     "whose bounds accept it (sandbox audit --profile NAME).",
     N, NULL, NULL, NULL},

    /* ---- the auditor itself ---- */
    {"SB-AUDIT-001", AUDIT_MEDIUM, "Waiver expired",
     "A waiver in the --ignore file has passed its expiry date and no longer hides its finding.",
     "Fix the finding, or renew the waiver with a new expiry date and reason.", N, NULL, NULL,
     NULL},
};

#undef B
#undef R
#undef N

const struct audit_check *audit_catalogue(size_t *n)
{
        *n = sizeof(catalogue) / sizeof(catalogue[0]);
        return catalogue;
}

const struct audit_check *audit_check_find(const char *id)
{
        for (size_t i = 0; i < sizeof(catalogue) / sizeof(catalogue[0]); i++)
                if (strcmp(catalogue[i].id, id) == 0)
                        return &catalogue[i];
        return NULL;
}

bool audit_check_in_standard(const struct audit_check *c, enum audit_standard std)
{
        switch (std) {
        case AUDIT_STD_ALL:
                return true;
        case AUDIT_STD_PSS_BASELINE:
                return c->pss == AUDIT_PSS_BASELINE;
        case AUDIT_STD_PSS_RESTRICTED:
                return c->pss == AUDIT_PSS_BASELINE || c->pss == AUDIT_PSS_RESTRICTED;
        case AUDIT_STD_CIS_DOCKER:
                return c->cis != NULL;
        }
        return false;
}

static const char *const severity_names[AUDIT_NSEVERITIES] = {"info", "low", "medium", "high",
                                                              "critical"};

const char *audit_severity_name(enum audit_severity s)
{
        return (unsigned)s < AUDIT_NSEVERITIES ? severity_names[s] : "?";
}

int audit_severity_from_name(const char *name, enum audit_severity *out)
{
        for (int i = 0; i < AUDIT_NSEVERITIES; i++)
                if (strcasecmp(name, severity_names[i]) == 0) {
                        *out = (enum audit_severity)i;
                        return 0;
                }
        return -1;
}

int audit_standard_from_name(const char *name, enum audit_standard *out)
{
        static const struct {
                const char *name;
                enum audit_standard std;
        } names[] = {
            {"all", AUDIT_STD_ALL},
            {"pss-baseline", AUDIT_STD_PSS_BASELINE},
            {"pss-restricted", AUDIT_STD_PSS_RESTRICTED},
            {"cis-docker", AUDIT_STD_CIS_DOCKER},
        };
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
                if (strcmp(name, names[i].name) == 0) {
                        *out = names[i].std;
                        return 0;
                }
        return -1;
}
