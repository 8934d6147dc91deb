// libseccomp (libseccomp-dev), for the filter PID 1 loads before it starts
// the app. Its rule macros (SCMP_ACT_ERRNO, SCMP_A0) are function-like, so
// Swift builds the values itself; the arrays go to seccomp_rule_add_array.
#include <seccomp.h>
