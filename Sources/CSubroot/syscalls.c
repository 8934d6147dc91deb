/* The thin wrappers: each is one call Swift's Glibc module cannot reach
   (raw clone, pivot_root, openat2, mount_setattr, prctl options, setns,
   O_TMPFILE, the seccomp filter, strerrorname_np) or one fixed sequence of
   them (SIOCGIFFLAGS then SIOCSIFFLAGS), and the constants they take. */
#define _GNU_SOURCE
#include "CSubroot.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

const unsigned long sr_CLONE_NEWUSER = CLONE_NEWUSER;
const unsigned long sr_CLONE_NEWNS = CLONE_NEWNS;
const unsigned long sr_CLONE_NEWPID = CLONE_NEWPID;
const unsigned long sr_CLONE_NEWIPC = CLONE_NEWIPC;
const unsigned long sr_CLONE_NEWUTS = CLONE_NEWUTS;
const unsigned long sr_CLONE_NEWNET = CLONE_NEWNET;

pid_t sr_clone_fork(unsigned long namespace_flags) {
    // x86_64 and aarch64 take (flags, stack, parent_tid, child_tid, tls).
    return (pid_t)syscall(SYS_clone, namespace_flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

int sr_setns(int fd, int nstype) { return setns(fd, nstype); }

int sr_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int sr_open_tmpfile(const char *directory, mode_t mode) {
    return open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
}

int sr_loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct ifreq req;
    memset(&req, 0, sizeof req);
    strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
    int rc = ioctl(fd, SIOCGIFFLAGS, &req);
    if (rc == 0) {
        req.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(fd, SIOCSIFFLAGS, &req);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

int sr_seccomp_install(const void *program, size_t length) {
    struct sock_fprog prog = {
        .len = (unsigned short)(length / sizeof(struct sock_filter)),
        .filter = (struct sock_filter *)program,
    };
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

int sr_pivot_root(const char *new_root, const char *put_old) {
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

int sr_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0); }

int sr_set_no_new_privs(void) { return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); }

int sr_set_not_dumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

const char *sr_errno_name(int err) { return strerrorname_np(err); }

// Mount safety. The structs and flags come from the kernel's headers;
// the calls go through syscall(2) (glibc 2.36 wraps neither openat2 nor,
// in Swift's view, mount_setattr).
#include <linux/openat2.h>
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

const int sr_O_PATH = O_PATH;
const unsigned long long sr_RESOLVE_IN_ROOT = RESOLVE_IN_ROOT;
const unsigned long long sr_RESOLVE_NO_MAGICLINKS = RESOLVE_NO_MAGICLINKS;

int sr_openat2(int dirfd, const char *path, int flags, unsigned long long resolve) {
    struct open_how how;
    memset(&how, 0, sizeof how);
    how.flags = (unsigned long long)(flags | O_CLOEXEC);
    how.resolve = resolve;
    return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

const unsigned long long sr_MOUNT_ATTR_RDONLY = MOUNT_ATTR_RDONLY;
const unsigned long long sr_MOUNT_ATTR_NOSUID = MOUNT_ATTR_NOSUID;
const unsigned long long sr_MOUNT_ATTR_NODEV = MOUNT_ATTR_NODEV;

int sr_mount_setattr_fd(int fd, int recursive, unsigned long long set) {
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = set;
    unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
    return (int)syscall(SYS_mount_setattr, fd, "", flags, &attr, sizeof attr);
}
