/* Tries system calls the sandbox's seccomp filter refuses, and prints one
 * line per try: "NAME: ok", or "NAME: ERRNO" (EPERM is the filter's answer).
 * Built static on the host by SeccompTests and bound into the busybox rootfs.
 *
 *   tiocsti TEXT [high]   ioctl(0, TIOCSTI) for each character of TEXT; with
 *                         "high", the request has bit 32 set as well
 *   filtered NAME         whether the sandbox's filter stops NAME before the
 *                         kernel runs it: this probe first adds a filter of its
 *                         own that answers NAME with SECCOMP_RET_TRACE, which
 *                         ranks below ERRNO; with no tracer that gives ENOSYS.
 *                         So EPERM: refused by the sandbox; ENOSYS: let through.
 *   real NAME             calls NAME for real (keyctl, add_key)
 *   personality HEX       personality(HEX) through syscall(2), all 64 bits
 *   i386 NAME             NAME through int 0x80, the 32-bit ABI
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *name_of(int err) {
    switch (err) {
    case 0: return "ok";
    case EPERM: return "EPERM";
    case ENOSYS: return "ENOSYS";
    case EIO: return "EIO";
    case ENOTTY: return "ENOTTY";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case ENOKEY: return "ENOKEY";
    case EFAULT: return "EFAULT";
    case ENOENT: return "ENOENT";
    case EBADF: return "EBADF";
    default: return "other";
    }
}

static long number(const char *name) {
    if (!strcmp(name, "keyctl")) return SYS_keyctl;
    if (!strcmp(name, "add_key")) return SYS_add_key;
    if (!strcmp(name, "request_key")) return SYS_request_key;
    if (!strcmp(name, "init_module")) return SYS_init_module;
    if (!strcmp(name, "finit_module")) return SYS_finit_module;
    if (!strcmp(name, "kexec_load")) return SYS_kexec_load;
    if (!strcmp(name, "open_by_handle_at")) return SYS_open_by_handle_at;
    if (!strcmp(name, "bpf")) return SYS_bpf;
    if (!strcmp(name, "getppid")) return SYS_getppid;
    fprintf(stderr, "unknown call %s\n", name);
    exit(2);
}

/* Harmless arguments: the call is refused, or fails on them. */
static long call(const char *name) {
    if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -2 /* thread */, 0);
    if (!strcmp(name, "add_key")) return syscall(SYS_add_key, "user", "subroot-probe", "x", 1, -2);
    return syscall(number(name), 0, 0, 0, 0, 0);
}

static void report(const char *what, long rc) {
    printf("%s: %s\n", what, name_of(rc < 0 ? errno : 0));
}

static void trace_only(long nr) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof code / sizeof code[0], code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        perror("probe filter");
        exit(2);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 3) return 2;
    const char *mode = argv[1], *arg = argv[2];
    if (!strcmp(mode, "tiocsti")) {
        unsigned long request = TIOCSTI;
        if (argc > 3) request |= 1UL << 32;
        long rc = 0;
        for (const char *p = arg; *p && rc == 0; p++) rc = syscall(SYS_ioctl, 0, request, p);
        report(argc > 3 ? "TIOCSTI|1<<32" : "TIOCSTI", rc);
    } else if (!strcmp(mode, "filtered")) {
        trace_only(number(arg));
        report(arg, call(arg));
    } else if (!strcmp(mode, "real")) {
        report(arg, call(arg));
    } else if (!strcmp(mode, "personality")) {
        unsigned long value = strtoul(arg, NULL, 16);
        long rc = syscall(SYS_personality, value);
        printf("personality %s: %s\n", arg, name_of(rc < 0 ? errno : 0));
    } else if (!strcmp(mode, "i386")) {
        long nr = !strcmp(arg, "keyctl") ? 288 : !strcmp(arg, "add_key") ? 286 : !strcmp(arg, "getppid") ? 64 : -1;
        if (nr < 0) return 2;
        long rc;
        /* keyctl(KEYCTL_GET_KEYRING_ID, thread keyring, 0); add_key with null pointers (EFAULT when let through) */
        __asm__ volatile("int $0x80" : "=a"(rc) : "a"(nr), "b"(0L), "c"(-2L), "d"(0L) : "memory");
        printf("i386 %s: %s\n", arg, rc < 0 && rc > -4096 ? name_of((int)-rc) : "ok");
    } else {
        return 2;
    }
    return 0;
}
