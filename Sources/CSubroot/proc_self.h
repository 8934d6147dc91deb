/* Shared by the files of CSubroot; not part of its interface. */
#ifndef CSUBROOT_PROC_SELF_H
#define CSUBROOT_PROC_SELF_H

#include <sys/types.h>

/* Reads /proc/self/NAME whole (it must fit `size`, with a NUL after it);
   its length, or -1 with errno. (process.c) */
__attribute__((visibility("hidden"))) ssize_t sr_read_proc_self(const char *name, char *text, size_t size);

#endif
