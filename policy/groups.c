/* Syscall groups as data: what "@mount" in a profile stands for. Kept here,
 * not among the profiles, so that every profile means the same by a group.
 * A group may name syscalls that exist only on some architectures; those are
 * skipped where they don't exist. */
#include <string.h>

#include "policy/syscalls.h"

#define SYSCALLS(...) ((const char *const[]){__VA_ARGS__, NULL})

const struct policy_group policy_groups[] = {
    {"@mount", "mount and unmount file systems, new mount API",
     SYSCALLS("mount", "umount", "umount2", "pivot_root", "move_mount", "open_tree", "fsopen",
              "fsconfig", "fsmount", "fspick", "mount_setattr")},
    {"@module", "load and unload kernel modules",
     SYSCALLS("init_module", "finit_module", "delete_module", "create_module", "query_module",
              "get_kernel_syms")},
    {"@keyring", "the kernel keyring (not namespaced)",
     SYSCALLS("add_key", "keyctl", "request_key")},
    {"@clock", "set the system clock (not namespaced)",
     SYSCALLS("adjtimex", "clock_adjtime", "clock_adjtime64", "clock_settime", "clock_settime64",
              "settimeofday", "stime")},
    {"@ptrace", "trace or inspect other processes",
     SYSCALLS("ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd",
              "kcmp")},
    {"@namespaces", "enter or create namespaces (clone flags are matched by argument)",
     SYSCALLS("unshare", "setns")},
    {"@reboot", "reboot, load a new kernel", SYSCALLS("reboot", "kexec_load", "kexec_file_load")},
    {"@swap", "enable and disable swap", SYSCALLS("swapon", "swapoff")},
    {"@raw-io", "raw I/O port and PCI access",
     SYSCALLS("ioperm", "iopl", "pciconfig_iobase", "pciconfig_read", "pciconfig_write",
              "s390_pci_mmio_read", "s390_pci_mmio_write")},
    {"@bpf", "load eBPF programs and maps", SYSCALLS("bpf")},
    {"@perf", "performance counters and kernel tracing", SYSCALLS("perf_event_open")},
    {"@io-uring", "io_uring (a large kernel attack surface)",
     SYSCALLS("io_uring_setup", "io_uring_enter", "io_uring_register")},
    {"@userfaultfd", "userfaultfd (used to widen kernel race windows)", SYSCALLS("userfaultfd")},
    {"@handle", "open files by handle (the \"shocker\" escape)",
     SYSCALLS("open_by_handle_at", "name_to_handle_at")},
    {"@mknod", "create device nodes and FIFOs", SYSCALLS("mknod", "mknodat")},
    {"@open", "open and create files", SYSCALLS("open", "openat", "openat2", "creat")},
    {"@obsolete", "syscalls no current program needs",
     SYSCALLS("_sysctl", "afs_syscall", "bdflush", "break", "create_module", "ftime",
              "get_kernel_syms", "getpmsg", "gtty", "idle", "lock", "mpx", "nfsservctl", "prof",
              "profil", "putpmsg", "query_module", "security", "sgetmask", "ssetmask", "stty",
              "sysfs", "tuxcall", "ulimit", "uselib", "ustat", "vserver", "vm86", "vm86old")},
    {"@privileged", "host-wide operations that need capabilities a container should not have",
     SYSCALLS("acct", "bpf", "chroot", "delete_module", "finit_module", "init_module",
              "kexec_file_load", "kexec_load", "mount", "umount", "umount2", "pivot_root",
              "move_mount", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
              "reboot", "swapon", "swapoff", "setns", "unshare", "syslog", "quotactl",
              "quotactl_fd", "settimeofday", "stime", "clock_settime", "clock_settime64",
              "clock_adjtime", "clock_adjtime64", "adjtimex", "ioperm", "iopl", "open_by_handle_at",
              "perf_event_open", "vhangup", "lookup_dcookie", "fanotify_init", "nfsservctl")},
};

const size_t policy_n_groups = sizeof(policy_groups) / sizeof(policy_groups[0]);

const struct policy_group *policy_group_find(const char *name)
{
        for (size_t i = 0; i < policy_n_groups; i++)
                if (strcmp(policy_groups[i].name, name) == 0)
                        return &policy_groups[i];
        return NULL;
}
