/* Alternating-block launch timer for bench/launch.sh.
 *
 *   interleave ROUNDS WARMUP NAME CMD [ARG...] \; NAME CMD [ARG...] \; ...
 *
 * Runs each command ROUNDS times, timed from posix_spawn to waitpid
 * (CLOCK_MONOTONIC), in blocks of `block` (10) consecutive runs: a block of every
 * command in turn, the order rotating by one command per turn. Unlike
 * hyperfine, which runs all of one command's runs before the next's, a
 * change in the machine's load during the run reaches every command alike.
 *
 * Why blocks, not one run of each in turn: much of what a sandbox costs
 * the kernel is done after the launcher has exited (the mounts and
 * namespaces are torn down, RCU callbacks run), during whatever starts
 * next. With one run of each in turn, that cost lands on the next command
 * and a command that leaves much behind looks faster than it is. Within a
 * block a command follows itself; the first `settle` (2) runs of each block,
 * which follow another command, are not counted.
 *
 * WARMUP runs of each command come first and are not counted either.
 * stdout of the commands goes to /dev/null. Prints one line per command:
 * NAME MEDIAN P25 P75 (milliseconds). Exits 1 when a command fails (exit
 * status not 0) or cannot be started.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: interleave ROUNDS WARMUP NAME CMD [ARG...] \\; NAME CMD ...\n");
        return 2;
    }
    int rounds = atoi(argv[1]), warmup = atoi(argv[2]);
    if (rounds < 1 || warmup < 0) return 2;
    enum { most = 16 };
    const char *names[most];
    char **commands[most];
    int n = 0;
    for (int i = 3; i < argc && n < most;) {
        names[n] = argv[i];
        commands[n] = &argv[i + 1];
        int j = i + 1;
        while (j < argc && strcmp(argv[j], ";") != 0) j++;
        if (j == i + 1) { fprintf(stderr, "interleave: %s has no command\n", names[n]); return 2; }
        if (j < argc) argv[j] = NULL;
        n++;
        i = j + 1;
    }
    double *times = calloc((size_t)n * (size_t)rounds, sizeof(double));
    if (!times) return 1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    enum { block = 10, settle = 2 };
    int counted[most] = {0};
    int turns = (rounds + block - 1) / block;
    /* Turn -1: the warm-up runs of each command. */
    for (int turn = -1; turn < turns; turn++) {
        for (int k = 0; k < n; k++) {
            int c = (turn < 0 ? k : (turn + k) % n);
            int first = turn < 0 ? -warmup : -settle, last = turn < 0 ? 0 : block;
            for (int r = first; r < last; r++) {
                struct timespec start, end;
                pid_t pid;
                int status;
                clock_gettime(CLOCK_MONOTONIC, &start);
                if (posix_spawn(&pid, commands[c][0], &actions, NULL, commands[c], environ) != 0) {
                    perror(commands[c][0]);
                    return 1;
                }
                while (waitpid(pid, &status, 0) < 0) {}
                clock_gettime(CLOCK_MONOTONIC, &end);
                if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                    fprintf(stderr, "interleave: %s failed (status %d)\n", names[c], status);
                    return 1;
                }
                if (r >= 0 && counted[c] < rounds)
                    times[c * rounds + counted[c]++] =
                        (double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6;
            }
        }
    }
    for (int c = 0; c < n; c++) {
        double *t = &times[c * rounds];
        qsort(t, (size_t)rounds, sizeof(double), by_value);
        printf("%s %.3f %.3f %.3f\n", names[c], t[rounds / 2], t[rounds / 4], t[(3 * rounds) / 4]);
    }
    return 0;
}
