/* libsubid, loaded on demand: it pulls in PAM, SELinux and audit. */
#define _GNU_SOURCE
#include "CSubroot.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

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
