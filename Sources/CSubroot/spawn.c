/* Starting programs: the command (vfork, signals reset only where they
   are not the default), a helper that must not outlive this process (fork,
   PR_SET_PDEATHSIG), and newuidmap/newgidmap (vfork on another CPU). */
#define _GNU_SOURCE
#include "CSubroot.h"
#include "proc_self.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* SigIgn and SigCgt of /proc/self/status: the signals whose disposition is
   not the default. 0, or -1 when they cannot be read. */
static int non_default_signals(unsigned long long *set) {
    char text[4096];
    if (sr_read_proc_self("status", text, sizeof text) < 0) return -1;
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
