#define _GNU_SOURCE
#include "CSubroot.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <limits.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

const unsigned long sr_CLONE_NEWUSER = CLONE_NEWUSER;
const unsigned long sr_CLONE_NEWNS = CLONE_NEWNS;
const unsigned long sr_CLONE_NEWPID = CLONE_NEWPID;
const unsigned long sr_CLONE_NEWIPC = CLONE_NEWIPC;
const unsigned long sr_CLONE_NEWUTS = CLONE_NEWUTS;
const unsigned long sr_CLONE_NEWNET = CLONE_NEWNET;

/* The release launcher is linked statically (Package.swift): no dynamic
   loader at every start. A static glibc cannot safely load shared objects
   (NSS modules, libX11, libpulse, libsubid bring a second libc into the
   process), so there NSS reads only the files, and whatever needs more is
   done by subroot-dynamic, the same program linked dynamically, installed
   beside it: sr_hand_over_to_dynamic execs it with the original arguments. */
static char **initial_argv;

static int is_statically_linked(void) { return getauxval(AT_BASE) == 0; }

extern int __nss_configure_lookup(const char *database, const char *services);

__attribute__((constructor)) static void note_arguments(int argc, char **argv, char **envp) {
    (void)argc;
    (void)envp;
    initial_argv = argv;
    if (is_statically_linked()) {
        static const char *const databases[] = {"passwd", "group", "initgroups", "shadow", "gshadow"};
        for (size_t i = 0; i < sizeof databases / sizeof databases[0]; i++) {
            __nss_configure_lookup(databases[i], "files");
        }
    }
}

/* 0 with the twin's path in `out`; -1 with errno and, when even the
   launcher's own path is unknown, an empty `out`. */
static int twin_path(char *out, size_t size) {
    char self[PATH_MAX];
    out[0] = 0;
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return -1;
    self[n] = 0;
    char *slash = strrchr(self, '/');
    if (!slash) { errno = ENOENT; return -1; }
    *slash = 0;
    static const char *const places[] = {"%s/subroot-dynamic", "%s/../libexec/subroot/subroot-dynamic"};
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        if (snprintf(out, size, places[i], self) < (int)size && access(out, X_OK) == 0) return 0;
    }
    snprintf(out, size, places[0], self);
    return -1;
}

void sr_hand_over_to_dynamic(const char *why) {
    if (!is_statically_linked() || !initial_argv) return;
    char path[PATH_MAX + 64];
    int found = twin_path(path, sizeof path);
    fflush(NULL);
    if (found == 0) {
        extern char **environ;
        execve(path, initial_argv, environ);
    }
    int err = errno;
    fprintf(stderr, "subroot: %s(%s): %s (%s)\nhint: %s needs subroot-dynamic, installed beside subroot (make install puts it in PREFIX/libexec/subroot)\n",
            path[0] ? "execve" : "readlink", path[0] ? path : "/proc/self/exe", strerror(err), sr_errno_name(err), why);
    _exit(125);
}

pid_t sr_clone_fork(unsigned long namespace_flags) {
    // x86_64 and aarch64 take (flags, stack, parent_tid, child_tid, tls).
    return (pid_t)syscall(SYS_clone, namespace_flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

int sr_setns(int fd, int nstype) { return setns(fd, nstype); }

int sr_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int sr_open_tmpfile(const char *directory, mode_t mode) {
    return open(directory, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
}

long sr_mount_locked_flags(const char *path) {
    struct statvfs fs;
    if (statvfs(path, &fs) != 0) return -1;
    long flags = 0;
    if (fs.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (fs.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (fs.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (fs.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (fs.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (fs.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
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

int sr_limit_exec_capabilities(unsigned long long keep, int *failed_cap) {
    int last = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f != NULL) {
        if (fscanf(f, "%d", &last) != 1) last = CAP_LAST_CAP;
        fclose(f);
    }
    *failed_cap = -1;
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return -1;
    struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &header, data) != 0) return -1;
    data[0].inheritable &= (unsigned int)(keep & 0xffffffffu);
    data[1].inheritable &= (unsigned int)(keep >> 32);
    if (syscall(SYS_capset, &header, data) != 0) return -1;
    for (int cap = 0; cap <= last && cap < 64; cap++) {
        if (keep & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            *failed_cap = cap;
            return -1;
        }
    }
    return 0;
}

const char *sr_errno_name(int err) { return strerrorname_np(err); }

static volatile sig_atomic_t relay_target = 0;
static volatile sig_atomic_t relay_skip_kernel = 0;

static void relay_handler(int sig, siginfo_t *info, void *context) {
    (void)context;
    int saved = errno;
    pid_t target = relay_target;
    if (target > 0 && !(relay_skip_kernel && info != NULL && info->si_code == SI_KERNEL)) {
        kill(target, sig);
    }
    errno = saved;
}

int sr_relay_install(const int *signals, size_t count, int skip_kernel) {
    relay_skip_kernel = skip_kernel;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = relay_handler;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    for (size_t i = 0; i < count; i++) {
        struct sigaction before;
        if (sigaction(signals[i], &action, &before) != 0) return -1;
        /* Ignored when we started (nohup, a shell's background job): it
           stays ignored and is not passed on, as a shell does. */
        if (before.sa_handler == SIG_IGN && !(before.sa_flags & SA_SIGINFO)
            && sigaction(signals[i], &ignore, NULL) != 0) return -1;
    }
    return 0;
}

void sr_relay_set_target(pid_t pid) { relay_target = pid; }

static volatile sig_atomic_t interrupted_by = 0;

static void interrupt_handler(int sig) { interrupted_by = sig; }

int sr_interrupt_install(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = interrupt_handler;
    sigemptyset(&action.sa_mask);
    int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
    }
    return 0;
}

int sr_interrupted(void) { return interrupted_by; }

int sr_mask_signals(int how, const int *signals, size_t count) {
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < count; i++) sigaddset(&set, signals[i]);
    return sigprocmask(how, &set, NULL);
}

/* Reads /proc/self/NAME whole (it must fit `size`, with a NUL after it);
   its length, or -1 with errno. */
static ssize_t read_proc_self(const char *name, char *text, size_t size) {
    char path[64];
    snprintf(path, sizeof path, "/proc/self/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, text, size - 1);
    int err = errno;
    close(fd);
    if (n < 0) { errno = err; return -1; }
    if (n == 0) { errno = EIO; return -1; }
    text[n] = '\0';
    return n;
}

/* SigIgn and SigCgt of /proc/self/status: the signals whose disposition is
   not the default. 0, or -1 when they cannot be read. */
static int non_default_signals(unsigned long long *set) {
    char text[4096];
    if (read_proc_self("status", text, sizeof text) < 0) return -1;
    int found = 0;
    *set = 0;
    for (char *line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
        if (strncmp(line, "SigIgn:", 7) == 0 || strncmp(line, "SigCgt:", 7) == 0) {
            *set |= strtoull(line + 7, NULL, 16);
            found++;
        }
    }
    return found == 2 ? 0 : -1;
}

/* vfork + execve. The child shares our memory until it execs, so no handler
   of ours may run in it: every signal is blocked in it until, right before
   execve, it takes `exec_mask`. `prepare` runs in the child first and
   returns 0, or an errno that ends it. Returns the pid, or -1 with errno
   (of vfork, prepare or execve; such a child is reaped). */
static pid_t vfork_exec(const char *path, char *const argv[], char *const envp[],
                        int (*prepare)(void *), void *context, const sigset_t *exec_mask) {
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    volatile int exec_errno = 0;
    pid_t pid = vfork();
    if (pid == 0) {
        int err = prepare(context);
        if (err != 0) { exec_errno = err; _exit(127); }
        sigprocmask(SIG_SETMASK, exec_mask ? exec_mask : &old, NULL);
        execve(path, argv, envp);
        exec_errno = errno;
        _exit(127);
    }
    int err = pid < 0 ? errno : exec_errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (pid > 0 && err != 0) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
        pid = -1;
    }
    errno = err;
    return pid;
}

struct command_setup { unsigned long long reset; int new_session; };

static int prepare_command(void *context) {
    const struct command_setup *setup = context;
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig <= 64 && sig < NSIG; sig++) {
        if ((setup->reset >> (sig - 1)) & 1) sigaction(sig, &dfl, NULL);
    }
    return setup->new_session && setsid() < 0 ? errno : 0;
}

int sr_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_session) {
    /* posix_spawn(3) with POSIX_SPAWN_SETSIGDEF makes 64 sigaction calls in
       the child while the caller waits; only the signals that are ignored or
       caught need it (none, as a rule, in PID 1). */
    struct command_setup setup = { .reset = ~0ULL, .new_session = new_session };
    unsigned long long found;
    if (non_default_signals(&found) == 0) setup.reset = found;
    sigset_t none;
    sigemptyset(&none);
    pid_t child = vfork_exec(path, argv, envp, prepare_command, &setup, &none);
    if (child < 0) return errno;
    *pid = child;
    return 0;
}

pid_t sr_spawn_tied(const char *path, char *const argv[], char *const envp[], int err_fd, int fd3) {
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) != 0 || getppid() != parent) _exit(127);
    setsid();
    sigset_t none;
    sigemptyset(&none);
    for (int sig = 1; sig < NSIG; sig++) signal(sig, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* Moved above 10 first, so that no dup2 below overwrites a source. */
    int err = fcntl(err_fd, F_DUPFD_CLOEXEC, 10);
    int extra = fd3 >= 0 ? fcntl(fd3, F_DUPFD_CLOEXEC, 10) : -1;
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (err < 0 || (fd3 >= 0 && extra < 0) || devnull < 0) _exit(127);
    if (dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0 || dup2(err, 2) < 0) _exit(127);
    if (extra >= 0 && dup2(extra, 3) < 0) _exit(127);
    /* Nothing else of the parent's: descriptors it inherited without
       close-on-exec (a caller's pipes) would stay open as long as this runs. */
    syscall(SYS_close_range, extra >= 0 ? 4U : 3U, ~0U, 0U);
    execve(path, argv, envp);
    _exit(127);
}

struct helper_setup { int pinned, cpu, leave_this_cpu; cpu_set_t allowed; int fds[3]; };

static int prepare_helper(void *context) {
    const struct helper_setup *setup = context;
    if (setup->pinned) {
        cpu_set_t others = setup->allowed;
        CPU_CLR(setup->cpu, &others);
        sched_setaffinity(0, sizeof others,
                          setup->leave_this_cpu && CPU_COUNT(&others) > 0 ? &others : &setup->allowed);
    }
    int fds[3];
    for (int i = 0; i < 3; i++) {
        if ((fds[i] = fcntl(setup->fds[i], F_DUPFD_CLOEXEC, 10)) < 0) return errno;
    }
    for (int i = 0; i < 3; i++) {
        if (dup2(fds[i], i) < 0) return errno;
    }
    return 0;
}

pid_t sr_spawn_helper(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd,
                      int leave_this_cpu) {
    /* The child starts on this CPU, where we sleep until its execve. Before
       it, it takes the whole affinity back, or, with leave_this_cpu, every
       CPU but this one, where the caller goes on to start a second helper:
       left to the scheduler, the second was queued behind the first on the
       other, busy CPU of two while this one went idle, and ran a
       millisecond late. The helper keeps the caller's signal mask, as with
       posix_spawn (the launcher handles no signal that mask lets through
       at this point). */
    struct helper_setup setup = { .pinned = 0, .cpu = sched_getcpu(), .leave_this_cpu = leave_this_cpu,
                                  .fds = { in_fd, out_fd, err_fd } };
    if (setup.cpu >= 0 && sched_getaffinity(0, sizeof setup.allowed, &setup.allowed) == 0) {
        cpu_set_t here;
        CPU_ZERO(&here);
        CPU_SET(setup.cpu, &here);
        setup.pinned = sched_setaffinity(0, sizeof here, &here) == 0;
    }
    pid_t pid = vfork_exec(path, argv, envp, prepare_helper, &setup, NULL);
    int err = errno;
    if (setup.pinned) sched_setaffinity(0, sizeof setup.allowed, &setup.allowed);
    errno = err;
    return pid;
}

int sr_clear_initial_environment(void) {
    char text[4096];
    if (read_proc_self("stat", text, sizeof text) < 0) return -1;
    /* Fields after the command name, which may hold spaces: state is 3. */
    char *p = strrchr(text, ')');
    if (!p) { errno = EINVAL; return -1; }
    unsigned long start = 0, end = 0;
    int field = 2;
    char *save = NULL;
    for (char *token = strtok_r(p + 1, " \n", &save); token; token = strtok_r(NULL, " \n", &save)) {
        field++;
        if (field == 50) start = strtoul(token, NULL, 10);
        if (field == 51) { end = strtoul(token, NULL, 10); break; }
    }
    if (start == 0 || end < start) { errno = EINVAL; return -1; }
    if (end == start) return 0;
    memset((void *)start, 0, end - start);
    return 0;
}

int sr_close_fds_except(int keep) {
    if (keep < 3) return (int)syscall(SYS_close_range, 3U, ~0U, 0U);
    if (keep > 3 && syscall(SYS_close_range, 3U, (unsigned)keep - 1, 0U) != 0) return -1;
    return (int)syscall(SYS_close_range, (unsigned)keep + 1, ~0U, 0U);
}

void sr_report_exit(int fd, int code) {
    if (fd > 0) syscall(SYS_close_range, 0U, (unsigned)fd - 1, 0U);
    syscall(SYS_close_range, (unsigned)fd + 1, ~0U, 0U);
    unsigned char byte = (unsigned char)code;
    while (write(fd, &byte, 1) < 0 && errno == EINTR) {}
}

int sr_wifexited(int status) { return WIFEXITED(status); }
int sr_wexitstatus(int status) { return WEXITSTATUS(status); }
int sr_wifsignaled(int status) { return WIFSIGNALED(status); }
int sr_wtermsig(int status) { return WTERMSIG(status); }

struct sr_subid_range { unsigned long start; unsigned long count; };
typedef int (*sr_subid_get_ranges_fn)(const char *, struct sr_subid_range **);

int sr_subid_ranges(const char *owner, int gid, unsigned long *starts,
                    unsigned long *counts, int max, char *error, size_t error_len) {
    void *lib = dlopen("libsubid.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(error, error_len, "%s", dlerror());
        return -2;
    }
    sr_subid_get_ranges_fn get = (sr_subid_get_ranges_fn)dlsym(
        lib, gid ? "subid_get_gid_ranges" : "subid_get_uid_ranges");
    if (get == NULL) {
        snprintf(error, error_len, "%s", dlerror());
        return -2;
    }
    struct sr_subid_range *ranges = NULL;
    int n = get(owner, &ranges);
    if (n < 0) return -1;
    for (int i = 0; i < n && i < max; i++) {
        starts[i] = ranges[i].start;
        counts[i] = ranges[i].count;
    }
    free(ranges);
    return n;
}

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
