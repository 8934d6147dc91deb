#define _GNU_SOURCE
#include "CSubroot.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

/* The release launcher is linked statically (Package.swift): no dynamic
   loader at every start. A static glibc cannot safely load shared objects
   (NSS modules, libX11, libpulse, libsubid bring a second libc into the
   process), so there NSS reads only the files, and whatever needs more is
   done by subroot-dynamic, the same program linked dynamically, installed
   beside it: sr_hand_over_to_dynamic execs it with the original arguments. */
static char **initial_argv;

static int is_statically_linked(void) { return getauxval(AT_BASE) == 0; }

int sr_is_statically_linked(void) { return is_statically_linked(); }

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
