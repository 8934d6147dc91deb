// The C that Swift's Glibc module cannot reach, and the few pieces that
// must be C. By file:
// - syscalls.c: thin wrappers, one call each (raw clone, setns, pipe2,
//   O_TMPFILE, pivot_root, prctl options, the seccomp filter, openat2,
//   mount_setattr, strerrorname_np) or one fixed sequence (loopback up),
//   and the constants they take.
// - static_launcher.c: a constructor that keeps argv for the hand-over and,
//   in the statically linked launcher, points NSS at files only; the
//   hand-over to subroot-dynamic.
// - signals.c: the signal relay (handlers that pass signals on to the
//   command) and the interruption flag of long operations.
// - spawn.c: starting programs: the command (vfork, signals reset only
//   where needed), a helper tied to this process (fork, PDEATHSIG), and
//   newuidmap/newgidmap (vfork with CPU pinning).
// - process.c: what a process does to itself before the command: the
//   capabilities of what it executes, its descriptors, its environment
//   block, and PID 1's exit report.
// - nested_user.c: the command in a user namespace of its own.
// - subid.c: libsubid, loaded on demand.
#ifndef CSUBROOT_H
#define CSUBROOT_H

#include <sys/types.h>
#include <stddef.h>

// MARK: - Thin wrappers (syscalls.c)

/// Namespace flags, so Swift needs no magic numbers.
extern const unsigned long sr_CLONE_NEWUSER;
extern const unsigned long sr_CLONE_NEWNS;
extern const unsigned long sr_CLONE_NEWPID;
extern const unsigned long sr_CLONE_NEWIPC;
extern const unsigned long sr_CLONE_NEWUTS;
extern const unsigned long sr_CLONE_NEWNET;

/// clone(2) used like fork(2): the child continues on a copy of the stack.
/// Returns the child's pid in the parent, 0 in the child, -1 with errno.
pid_t sr_clone_fork(unsigned long namespace_flags);

/// setns(2): joins the namespace `fd` refers to (nstype 0: whatever it is).
int sr_setns(int fd, int nstype);

/// pipe2(fds, O_CLOEXEC).
int sr_pipe_cloexec(int fds[2]);

/// An unnamed regular file in `directory` (O_TMPFILE), for linkat; -1 and
/// errno (EOPNOTSUPP, EISDIR) where the file system has none.
int sr_open_tmpfile(const char *directory, mode_t mode);

/// Brings the loopback interface of the current network namespace up
/// (SIOCGIFFLAGS, then SIOCSIFFLAGS with IFF_UP). 0, or -1 with errno.
int sr_loopback_up(void);

/// prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER) with a BPF program of `length`
/// bytes (8 per instruction), as libseccomp exports it.
int sr_seccomp_install(const void *program, size_t length);

/// pivot_root(2).
int sr_pivot_root(const char *new_root, const char *put_old);

/// prctl(PR_SET_PDEATHSIG, sig).
int sr_set_parent_death_signal(int sig);

/// prctl(PR_SET_NO_NEW_PRIVS, 1).
int sr_set_no_new_privs(void);

/// PR_SET_DUMPABLE 0: ptrace, /proc/PID/mem, environ and fd of this process
/// then need CAP_SYS_PTRACE in the user namespace its memory was made in.
int sr_set_not_dumpable(void);

/// The symbolic name of an errno value ("EACCES"), or NULL when unknown.
const char *sr_errno_name(int err);

/// O_PATH (glibc defines it only with _GNU_SOURCE).
extern const int sr_O_PATH;

/// RESOLVE_* flags of openat2(2).
extern const unsigned long long sr_RESOLVE_IN_ROOT;
extern const unsigned long long sr_RESOLVE_NO_MAGICLINKS;

/// openat2(2) with `how = {flags, 0, resolve}` (flags gets O_CLOEXEC).
/// The fd, or -1 with errno (ENOSYS before Linux 5.6).
int sr_openat2(int dirfd, const char *path, int flags, unsigned long long resolve);

/// MOUNT_ATTR_* flags of mount_setattr(2).
extern const unsigned long long sr_MOUNT_ATTR_RDONLY;
extern const unsigned long long sr_MOUNT_ATTR_NOSUID;
extern const unsigned long long sr_MOUNT_ATTR_NODEV;

/// mount_setattr(2) of the mount whose root `fd` is (AT_EMPTY_PATH), and of
/// every mount below it when `recursive` (AT_RECURSIVE): the `set` flags
/// are added, none are cleared, so flags the kernel locked stay. 0, or -1
/// with errno (ENOSYS before Linux 5.12).
int sr_mount_setattr_fd(int fd, int recursive, unsigned long long set);

// MARK: - The static launcher's hand-over (static_launcher.c)

/// In the statically linked launcher: execs subroot-dynamic, the same
/// program linked dynamically, found beside it (or in
/// ../libexec/subroot/), with the original arguments and environment; `why`
/// (what needs it) is shown when it cannot. Returns at once when linked
/// dynamically.
void sr_hand_over_to_dynamic(const char *why);
/// 1 in the statically linked launcher (no dynamic loader: AT_BASE is 0).
int sr_is_statically_linked(void);

// MARK: - Signal handlers (signals.c)

/// Signal relay. Installs one handler for each of `signals` that passes a
/// signal on to the pid set with sr_relay_set_target. Signals the kernel
/// sends to a whole process group (a terminal's Ctrl-C, SIGWINCH) are not
/// passed on when `skip_kernel` is set: the target got them already. A
/// signal that was ignored when the process started stays ignored.
int sr_relay_install(const int *signals, size_t count, int skip_kernel);
void sr_relay_set_target(pid_t pid);

/// Interruption flag: SIGINT, SIGTERM and SIGHUP set it (without
/// SA_RESTART, so a blocking poll/read returns EINTR) instead of killing the
/// process, so that a long operation can clean up before it exits.
int sr_interrupt_install(void);
/// The signal that interrupted, or 0.
int sr_interrupted(void);

/// Blocks (how = SIG_BLOCK) or unblocks (SIG_UNBLOCK) `signals`.
int sr_mask_signals(int how, const int *signals, size_t count);

// MARK: - Starting programs (spawn.c)

/// Starts `path` (vfork + execve) with every signal at its default
/// disposition and an empty signal mask (the caller's may be blocked), in a
/// session of its own (setsid: no controlling terminal) when `new_session`
/// is set. Returns 0 or an errno (of setsid or execve; that child is
/// reaped), as posix_spawn(3) does.
int sr_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_session);

/// fork + execve of a helper that must not outlive this process: it gets
/// PR_SET_PDEATHSIG(SIGTERM), a session of its own (a terminal's Ctrl-C is
/// not for it), default signal handling and an empty mask, stdin and stdout
/// from /dev/null, `err_fd` as stderr and `fd3` as descriptor 3 (-1: none).
/// Returns the pid, or -1 with errno when fork fails; a failed exec exits 127.
pid_t sr_spawn_tied(const char *path, char *const argv[], char *const envp[], int err_fd, int fd3);

/// vfork + execve of a short-lived helper (newuidmap, newgidmap) with
/// `in_fd`, `out_fd` and `err_fd` as descriptors 0, 1 and 2 and the caller's
/// signal mask. posix_spawn does the same but first resets all 64 signal
/// dispositions in the child while the caller waits; this goes straight to
/// execve, so the second helper starts sooner. With `leave_this_cpu` the
/// helper runs on any CPU but the caller's (when there is another), so that
/// a helper started next finds this one free. Returns the pid, or -1 with
/// errno (that of vfork, dup2 or execve; a child whose exec failed is reaped).
pid_t sr_spawn_helper(const char *path, char *const argv[], char *const envp[], int in_fd, int out_fd, int err_fd,
                      int leave_this_cpu);

// MARK: - A process before its command (process.c)

/// Limits the capabilities of programs this process executes to `keep` (a
/// bit mask of capability numbers): every other capability is dropped from
/// the bounding and inheritable sets, and the ambient set is cleared. A
/// program run as uid 0 then starts with exactly `keep` in its effective
/// and permitted sets. 0, or -1 with errno (`failed_cap` says which).
int sr_limit_exec_capabilities(unsigned long long keep, int *failed_cap);

/// Closes every descriptor above 2 but `keep` (-1: none kept), with
/// close_range(2): what the launcher opened for itself (the rootfs lock, its
/// pipes) and whatever the caller passed on without close-on-exec (a shell's
/// `exec 7</home/alice`). What runs in the sandbox gets 0, 1 and 2, and what
/// subroot itself grants by path (sockets bound into the root); root inside
/// may ptrace PID 1 or open /proc/1/fd/N, so nothing else of the host may stay
/// open. 0, or -1 when a range could not be closed.
int sr_close_fds_except(int keep);

/// Zeroes the environment block the process was started with (what
/// /proc/PID/environ shows: fields env_start..env_end of /proc/self/stat).
/// PID 1 is a copy of the launcher, so that block is the user's whole
/// environment, of which the command gets only what its plan passes on.
/// An empty environment (`env -i subroot ...`) has nothing to zero.
/// 0, or -1 when the bounds could not be read.
int sr_clear_initial_environment(void);

/// The last act of a sandbox's PID 1: closes every descriptor but `fd` (its
/// copies of the terminal, pipes and the rootfs lock go with it) and writes
/// `code` to `fd` as one byte.
void sr_report_exit(int fd, int code);

// MARK: - The command as the user (nested_user.c)

/// What sr_spawn_nested was doing when it failed.
#define SR_NESTED_CLONE 0
#define SR_NESTED_UID_MAP 1
#define SR_NESTED_GID_MAP 2
#define SR_NESTED_EXEC 3

/// Starts a command as sr_spawn does, but in a new user namespace nested in
/// this process's, whose uid_map and gid_map (text as /proc/PID/uid_map
/// takes it) this process writes while the command is held at its execve
/// (PTRACE_TRACEME), before its first instruction: it runs as the ids those
/// maps give it, with no capabilities. Every signal is reset, and the command
/// takes a session of its own when `new_session`. 0 and `*pid`, or the errno
/// of the step named in `*failed_step` (the child is then killed and
/// reaped). `proc_fd`: a directory descriptor of the /proc in which the
/// child's pid (as this process sees it) names it, or -1 for /proc (enter's
/// helper sees the sandbox's /proc but lives in the host's pid namespace).
/// Its bounding set is dropped too. (nested_user.c)
int sr_spawn_nested(pid_t *pid, const char *path, char *const argv[], char *const envp[], int new_session,
                    const char *uid_map, const char *gid_map, int proc_fd, int *failed_step);

// MARK: - libsubid (subid.c)

/// Subordinate ranges through libsubid (loaded with dlopen only when this is
/// called: it pulls in PAM, SELinux and audit). `gid` selects subgid.
/// Fills at most `max` (start, count) pairs; returns how many the library
/// gave (may exceed max), -1 when the call failed, -2 when libsubid cannot be
/// loaded (then `error` holds dlerror's text).
int sr_subid_ranges(const char *owner, int gid, unsigned long *starts,
                    unsigned long *counts, int max, char *error, size_t error_len);

#endif
