/* What a process does to itself before the command runs, and PID 1's
   last act: the capabilities programs it executes get, the descriptors it
   keeps, the environment block /proc/PID/environ shows, the exit report. */
#define _GNU_SOURCE
#include "CSubroot.h"
#include "proc_self.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Reads /proc/self/NAME whole (it must fit `size`, with a NUL after it);
   its length, or -1 with errno. */
ssize_t sr_read_proc_self(const char *name, char *text, size_t size) {
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

int sr_clear_initial_environment(void) {
    char text[4096];
    if (sr_read_proc_self("stat", text, sizeof text) < 0) return -1;
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
