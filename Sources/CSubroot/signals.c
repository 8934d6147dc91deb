/* Signal handlers: the relay that passes signals on to the command, and
   the interruption flag of long operations; and the mask both go with. */
#define _GNU_SOURCE
#include "CSubroot.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

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
