/* A libsubid NSS module for the tests (nsswitch.conf: `subid: subroottest`),
 * standing in for SSSD/FreeIPA. It serves the lines of
 * /etc/subroot-test-subuid and -subgid, then those of /etc/subuid and
 * /etc/subgid (so that other tests running at the same time keep theirs).
 * Built by the test with: gcc -shared -fPIC -o libsubid_subroottest.so */
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <shadow/subid.h>

static const char *files(enum subid_type t, int which) {
    if (t == ID_TYPE_UID) return which == 0 ? "/etc/subroot-test-subuid" : "/etc/subuid";
    return which == 0 ? "/etc/subroot-test-subgid" : "/etc/subgid";
}

/* Calls `each` for every line owned by `owner` (name or uid); stops when it returns false. */
static void scan(const char *owner, enum subid_type t, bool (*each)(unsigned long, unsigned long, void *), void *ctx) {
    char uidtext[32] = "";
    struct passwd *pw = getpwnam(owner);
    if (pw) snprintf(uidtext, sizeof uidtext, "%u", pw->pw_uid);
    for (int which = 0; which < 2; which++) {
        FILE *f = fopen(files(t, which), "re");
        if (!f) continue;
        char line[512];
        while (fgets(line, sizeof line, f)) {
            char name[256];
            unsigned long start, count;
            if (sscanf(line, "%255[^:]:%lu:%lu", name, &start, &count) != 3) continue;
            if (strcmp(name, owner) != 0 && strcmp(name, uidtext) != 0) continue;
            if (!each(start, count, ctx)) { fclose(f); return; }
        }
        fclose(f);
    }
}

struct want { unsigned long start, count; bool found; };
static bool covers(unsigned long start, unsigned long count, void *ctx) {
    struct want *w = ctx;
    if (w->start >= start && w->start + w->count <= start + count) { w->found = true; return false; }
    return true;
}

enum subid_status shadow_subid_has_range(const char *owner, unsigned long start, unsigned long count,
                                         enum subid_type t, bool *result) {
    struct want w = {start, count, false};
    scan(owner, t, covers, &w);
    *result = w.found;
    return SUBID_STATUS_SUCCESS;
}

struct list { struct subid_range *ranges; int count; };
static bool collect(unsigned long start, unsigned long count, void *ctx) {
    struct list *l = ctx;
    struct subid_range *more = realloc(l->ranges, (l->count + 1) * sizeof *more);
    if (!more) return false;
    l->ranges = more;
    l->ranges[l->count].start = start;
    l->ranges[l->count].count = count;
    l->count++;
    return true;
}

enum subid_status shadow_subid_list_owner_ranges(const char *owner, enum subid_type t,
                                                 struct subid_range **ranges, int *count) {
    struct list l = {NULL, 0};
    scan(owner, t, collect, &l);
    *ranges = l.ranges;
    *count = l.count;
    return SUBID_STATUS_SUCCESS;
}

enum subid_status shadow_subid_find_subid_owners(unsigned long id, enum subid_type t, uid_t **uids, int *count) {
    (void)id; (void)t;
    *uids = NULL;
    *count = 0;
    return SUBID_STATUS_SUCCESS;
}
