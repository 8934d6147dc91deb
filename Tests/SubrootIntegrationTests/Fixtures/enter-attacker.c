/* What root inside a sandbox tries against `subroot enter`: every process
   that appears in the sandbox's pid namespace is opened the moment it
   appears (pids come in order, so the next few are polled in a tight loop):
   its environ, maps, exe and mem. The enter helper's vfork child is in the
   sandbox's pid namespace before it execs the command, sharing the
   helper's memory: while that memory is dumpable, these opens succeed and
   show the host side (the caller's environment, the subroot binary).
   Built by the test with the host's cc, static, and run as the sandbox's
   command:
     enter-attacker MARKER SECONDS
   prints "ready", then one "LEAK ..." line per hit, then "seen N" (how
   many processes it opened in time) and exits. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char buffer[1 << 16];

static ssize_t slurp(int fd) {
    ssize_t total = 0, n;
    while (total < (ssize_t)sizeof buffer - 1 && (n = read(fd, buffer + total, sizeof buffer - 1 - total)) > 0) total += n;
    for (ssize_t i = 0; i < total; i++) if (buffer[i] == '\0') buffer[i] = '\n';
    buffer[total < 0 ? 0 : total] = '\0';
    return total;
}

static int highest_pid(void) {
    DIR *d = opendir("/proc");
    int high = 1;
    struct dirent *e;
    while (d && (e = readdir(d))) { int p = atoi(e->d_name); if (p > high) high = p; }
    if (d) closedir(d);
    return high;
}

int main(int argc, char **argv) {
    if (argc != 3) return 2;
    const char *marker = argv[1];
    time_t end = time(NULL) + atoi(argv[2]);
    int last = highest_pid();
    long seen = 0;
    printf("ready\n");
    fflush(stdout);
    char path[64];
    for (unsigned long round = 1; time(NULL) < end; round++) {
        for (int pid = last + 1; pid <= last + 4; pid++) {
            snprintf(path, sizeof path, "/proc/%d/environ", pid);
            int env = open(path, O_RDONLY);
            snprintf(path, sizeof path, "/proc/%d/maps", pid);
            int maps = open(path, O_RDONLY);
            snprintf(path, sizeof path, "/proc/%d/mem", pid);
            int mem = open(path, O_RDWR);
            snprintf(path, sizeof path, "/proc/%d/exe", pid);
            char exe[256] = "";
            ssize_t n = readlink(path, exe, sizeof exe - 1);
            if (n > 0) exe[n] = '\0';
            /* Not there yet, gone, or refused (the helper before it execs). */
            if (env < 0 && maps < 0 && mem < 0 && n < 0) continue;
            seen++;
            int leaked_memory = 0;
            if (env >= 0 && slurp(env) > 0 && strstr(buffer, marker)) printf("LEAK environ of pid %d\n", pid);
            if (maps >= 0 && slurp(maps) > 0 && strstr(buffer, "subroot")) {
                printf("LEAK maps of pid %d show the subroot binary\n", pid);
                leaked_memory = 1;
            }
            if (mem >= 0 && leaked_memory) printf("LEAK mem of pid %d opened for writing\n", pid);
            if (strstr(exe, "subroot")) printf("LEAK exe of pid %d: %s\n", pid, exe);
            fflush(stdout);
            if (env >= 0) close(env);
            if (maps >= 0) close(maps);
            if (mem >= 0) close(mem);
            if (pid > last) last = pid;
            break;
        }
        /* Now and then: past pids that were refused and then gone. */
        if (round % 4096 == 0) { int high = highest_pid(); if (high > last + 4) last = high; }
    }
    printf("seen %ld\n", seen);
    return 0;
}
