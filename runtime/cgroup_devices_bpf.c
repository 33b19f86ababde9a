/* The cgroup v2 device controller: v2 has no devices.allow file; access to
 * device nodes is decided by a BPF_PROG_TYPE_CGROUP_DEVICE program attached
 * to the cgroup. The program is built here by hand (no libbpf), in the shape
 * of runc's devicefilter: load type/access/major/minor once, then one block
 * per rule, the LAST rule first, so the first block that matches decides
 * (the spec's "last matching rule wins"); nothing matching means deny.
 *
 * Matching: an allow rule matches when the requested access is a subset of
 * the rule's access; a deny rule matches when the request asks for ANY of the
 * denied accesses. So deny "w" after allow "rwm" refuses an O_RDWR open,
 * which a pure subset test would let through. */
#include <linux/bpf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/cleanup.h"

#define R0 BPF_REG_0
#define R1 BPF_REG_1
#define R2 BPF_REG_2 /* device type (BPF_DEVCG_DEV_*) */
#define R3 BPF_REG_3 /* requested access (BPF_DEVCG_ACC_*) */
#define R4 BPF_REG_4 /* major */
#define R5 BPF_REG_5 /* minor */

static struct bpf_insn I(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
        return (struct bpf_insn){
            .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static uint32_t
access_bits(const char *a)
{
        uint32_t b = 0;
        for (; a != NULL && *a; a++)
                b |= *a == 'r'   ? BPF_DEVCG_ACC_READ
                     : *a == 'w' ? BPF_DEVCG_ACC_WRITE
                     : *a == 'm' ? BPF_DEVCG_ACC_MKNOD
                                 : 0;
        return b;
}

#define ALL_ACC (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

int runtime_cgroup_devices_bpf_build(const struct oci_device_cgroup_rule *rules, size_t n,
                                     void **insns, size_t *n_insns, struct sb_err *err)
{
        /* prologue 6 + at most 9 per rule + epilogue 2 */
        struct bpf_insn *p = calloc(6 + 9 * n + 2, sizeof(*p));
        size_t k = 0;

        if (p == NULL)
                return sb_err_set(err, ENOMEM, "device program");
        /* struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; } */
        p[k++] = I(BPF_LDX | BPF_MEM | BPF_W, R2, R1, 0, 0);
        p[k++] = I(BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xFFFF);
        p[k++] = I(BPF_LDX | BPF_MEM | BPF_W, R3, R1, 0, 0);
        p[k++] = I(BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
        p[k++] = I(BPF_LDX | BPF_MEM | BPF_W, R4, R1, 4, 0);
        p[k++] = I(BPF_LDX | BPF_MEM | BPF_W, R5, R1, 8, 0);

        for (size_t i = n; i > 0; i--) {
                const struct oci_device_cgroup_rule *r = &rules[i - 1];
                uint32_t acc = r->access ? access_bits(r->access) : ALL_ACC;
                struct bpf_insn blk[9];
                size_t b = 0;
                int32_t type = r->type == 'c'   ? BPF_DEVCG_DEV_CHAR
                               : r->type == 'b' ? BPF_DEVCG_DEV_BLOCK
                                                : 0;

                if (r->type != 0 && r->type != 'a' && type == 0) {
                        free(p);
                        return sb_err_set(err, 0, "device rule %zu: invalid type '%c'", i - 1,
                                          r->type);
                }
                if ((r->has_major && (r->major < 0 || r->major > INT32_MAX)) ||
                    (r->has_minor && (r->minor < 0 || r->minor > INT32_MAX))) {
                        free(p);
                        return sb_err_set(err, 0, "device rule %zu: major/minor out of range",
                                          i - 1);
                }
                if (acc == 0)
                        continue; /* matches nothing */
                /* jump offsets are filled once the block's length is known:
                 * off = -1 marks "to the end of this block" */
                if (type != 0)
                        blk[b++] = I(BPF_JMP | BPF_JNE | BPF_K, R2, 0, -1, type);
                if (acc != ALL_ACC || !r->allow) {
                        blk[b++] = I(BPF_ALU | BPF_MOV | BPF_X, R1, R3, 0, 0);
                        blk[b++] = I(BPF_ALU | BPF_AND | BPF_K, R1, 0, 0, (int32_t)acc);
                        if (r->allow) /* requested ⊆ allowed */
                                blk[b++] = I(BPF_JMP | BPF_JNE | BPF_X, R1, R3, -1, 0);
                        else /* requested ∩ denied ≠ ∅ */
                                blk[b++] = I(BPF_JMP | BPF_JEQ | BPF_K, R1, 0, -1, 0);
                }
                if (r->has_major)
                        blk[b++] = I(BPF_JMP | BPF_JNE | BPF_K, R4, 0, -1, (int32_t)r->major);
                if (r->has_minor)
                        blk[b++] = I(BPF_JMP | BPF_JNE | BPF_K, R5, 0, -1, (int32_t)r->minor);
                blk[b++] = I(BPF_ALU | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0);
                blk[b++] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
                for (size_t j = 0; j < b; j++) {
                        if (blk[j].off == -1)
                                blk[j].off = (int16_t)(b - j - 1);
                        p[k++] = blk[j];
                }
        }
        p[k++] = I(BPF_ALU | BPF_MOV | BPF_K, R0, 0, 0, 0); /* default deny */
        p[k++] = I(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
        *insns = p;
        *n_insns = k;
        return 0;
}

int runtime_cgroup_devices_bpf_attach(int dir_fd, const struct oci_device_cgroup_rule *rules,
                                      size_t n, struct sb_err *err)
{
        _cleanup_free_ void *insns = NULL;
        size_t n_insns = 0;
        char log[4096] = "";
        union bpf_attr attr;

        if (runtime_cgroup_devices_bpf_build(rules, n, &insns, &n_insns, err) < 0)
                return -1;
        memset(&attr, 0, sizeof(attr));
        attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
        attr.insns = (uint64_t)(uintptr_t)insns;
        attr.insn_cnt = (uint32_t)n_insns;
        attr.license = (uint64_t)(uintptr_t) "Apache";
        _cleanup_close_ int prog = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
        if (prog < 0) {
                /* again with the verifier's log, only to explain the refusal
                 * (a log that does not fit fails the load with ENOSPC) */
                int e = errno;
                attr.log_buf = (uint64_t)(uintptr_t)log;
                attr.log_size = sizeof(log);
                attr.log_level = 1;
                int again = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
                if (again >= 0)
                        close(again);
                log[sizeof(log) - 1] = '\0';
                return sb_err_set(err, e,
                                  "bpf(BPF_PROG_LOAD) of the device program (%zu insns)%s%s",
                                  n_insns, log[0] ? ": verifier: " : "", log);
        }
        memset(&attr, 0, sizeof(attr));
        attr.target_fd = (uint32_t)dir_fd;
        attr.attach_bpf_fd = (uint32_t)prog;
        attr.attach_type = BPF_CGROUP_DEVICE;
        attr.attach_flags = BPF_F_ALLOW_MULTI;
        if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
                return sb_err_set(err, errno, "bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE)");
        return 0;
}
