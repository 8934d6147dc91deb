/* The command of a sandbox that runs as the user: started in a user
   namespace of its own, whose maps this process (PID 1, or enter's helper:
   root of the sandbox's user namespace, with its capabilities) writes
   between the command's execve and its first instruction. See CSubroot.h,
   sr_spawn_nested.

   Why after execve: this process is not dumpable (its memory holds copies
   of the user's environment), so neither is its copy before execve, and
   /proc/PID/uid_map of a process that is not dumpable belongs to the host's
   root: no one else may open it. After execve the command is dumpable, its
   /proc files are the user's, and it is held stopped (PTRACE_TRACEME stops
   it at the exec) until its maps are written. */
#define _GNU_SOURCE
#include "CSubroot.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_map(int proc_fd, pid_t pid, const char *name, const char *text) {
    char path[64];
    snprintf(path, sizeof path, proc_fd >= 0 ? "%d/%s" : "/proc/%d/%s", (int)pid, name);
    int fd = openat(proc_fd >= 0 ? proc_fd : AT_FDCWD, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    size_t length = strlen(text);
    ssize_t n = write(fd, text, length);
    int err = n == (ssize_t)length ? 0 : n < 0 ? errno : EIO;
    close(fd);
    return err;
}

int sr_spawn_nested(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_session,
                    const char *uid_map, const char *gid_map, int proc_fd, int *failed_step) {
    int report[2];
    *failed_step = SR_NESTED_CLONE;
    if (pipe2(report, O_CLOEXEC) != 0) return errno;
    sigset_t all, old;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &old);
    /* A copy of this process (not vfork: this process must go on while the
       copy execs); it is small, and the copy execs at once. */
    pid_t child = (pid_t)syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
    if (child == 0) {
        close(report[0]);
        int err = 0;
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0) err = errno;
        /* A new user namespace comes with a full bounding set; nothing the
           command executes may gain a capability anyway (no_new_privs, and
           no id inside is 0), and its status says so. */
        for (int cap = 0; cap < 64; cap++) {
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno == EINVAL) break;
        }
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; sig++) sigaction(sig, &dfl, NULL);
        if (err == 0 && new_session && setsid() < 0) err = errno;
        if (err == 0) {
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, NULL);
            execve(path, argv, envp);
            err = errno;
        }
        (void)!write(report[1], &err, sizeof err);
        _exit(127);
    }
    int err = child < 0 ? errno : 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(report[1]);
    if (child < 0) { close(report[0]); return err; }

    /* The stop at the exec, or the child's exit when it could not exec. */
    int status = 0;
    for (;;) {
        pid_t got = waitpid(child, &status, __WALL);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) { err = errno; break; }
        if (WIFSTOPPED(status) && WSTOPSIG(status) == SIGTRAP) break;
        if (WIFSTOPPED(status)) { ptrace(PTRACE_CONT, child, NULL, (void *)(long)WSTOPSIG(status)); continue; }
        /* Exited before its exec: it reported why. */
        int reported = 0;
        ssize_t n;
        do { n = read(report[0], &reported, sizeof reported); } while (n < 0 && errno == EINTR);
        close(report[0]);
        *failed_step = SR_NESTED_EXEC;
        return n == (ssize_t)sizeof reported && reported ? reported : ECHILD;
    }
    close(report[0]);
    if (err == 0) {
        /* gid_map keeps setgroups "allow": this process has CAP_SETGID in
           the parent namespace, so the extra groups stay the command's. */
        *failed_step = SR_NESTED_UID_MAP;
        err = write_map(proc_fd, child, "uid_map", uid_map);
        if (err == 0) { *failed_step = SR_NESTED_GID_MAP; err = write_map(proc_fd, child, "gid_map", gid_map); }
        if (err == 0 && ptrace(PTRACE_DETACH, child, NULL, NULL) != 0) { *failed_step = SR_NESTED_EXEC; err = errno; }
    }
    if (err != 0) {
        kill(child, SIGKILL);
        while (waitpid(child, NULL, __WALL) < 0 && errno == EINTR) {}
        return err;
    }
    *pid = child;
    return 0;
}
