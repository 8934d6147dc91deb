/* Round-robin launch timer for bench/launch.sh.
 *
 *   interleave ROUNDS WARMUP NAME CMD [ARG...] \; NAME CMD [ARG...] \; ...
 *
 * Each round starts every command once, one after the other, and times it
 * from posix_spawn to waitpid (CLOCK_MONOTONIC); the order rotates by one
 * command per round. Unlike hyperfine, which runs all of one command's
 * runs before the next command's, a change in the machine's load during
 * the run reaches every command alike, so their ratios stay meaningful on a
 * busy or drifting machine. stdout of the commands goes to /dev/null.
 *
 * Prints one line per command: NAME MEDIAN P25 P75 (milliseconds).
 * Exits 1 when a command fails (exit status not 0) or cannot be started.
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
    for (int r = -warmup; r < rounds; r++) {
        for (int k = 0; k < n; k++) {
            int c = ((r % n) + n + k) % n;
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
            if (r >= 0)
                times[c * rounds + r] = (double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6;
        }
    }
    for (int c = 0; c < n; c++) {
        double *t = &times[c * rounds];
        qsort(t, (size_t)rounds, sizeof(double), by_value);
        printf("%s %.3f %.3f %.3f\n", names[c], t[rounds / 2], t[rounds / 4], t[(3 * rounds) / 4]);
    }
    return 0;
}
