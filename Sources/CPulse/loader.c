#include "CPulse.h"

#include <dlfcn.h>
#include <stdio.h>

#define PULSE_FUNCTIONS(X) \
    X(pa_mainloop *, mainloop_new, (void), ()) \
    X(void, mainloop_free, (pa_mainloop *m), (m)) \
    X(pa_mainloop_api *, mainloop_get_api, (pa_mainloop *m), (m)) \
    X(int, mainloop_prepare, (pa_mainloop *m, int timeout), (m, timeout)) \
    X(int, mainloop_poll, (pa_mainloop *m), (m)) \
    X(int, mainloop_dispatch, (pa_mainloop *m), (m)) \
    X(pa_context *, context_new, (pa_mainloop_api *api, const char *name), (api, name)) \
    X(void, context_unref, (pa_context *c), (c)) \
    X(int, context_connect, (pa_context *c, const char *server, pa_context_flags_t flags, const pa_spawn_api *api), \
      (c, server, flags, api)) \
    X(void, context_disconnect, (pa_context *c), (c)) \
    X(pa_context_state_t, context_get_state, (const pa_context *c), (c)) \
    X(int, context_errno, (const pa_context *c), (c)) \
    X(const char *, strerror, (int error), (error)) \
    X(pa_operation *, context_load_module, \
      (pa_context *c, const char *name, const char *argument, pa_context_index_cb_t cb, void *userdata), \
      (c, name, argument, cb, userdata)) \
    X(pa_operation *, context_unload_module, (pa_context *c, uint32_t idx, pa_context_success_cb_t cb, void *userdata), \
      (c, idx, cb, userdata)) \
    X(pa_operation *, context_get_module_info_list, (pa_context *c, pa_module_info_cb_t cb, void *userdata), \
      (c, cb, userdata)) \
    X(void, operation_unref, (pa_operation *o), (o)) \
    X(pa_operation_state_t, operation_get_state, (const pa_operation *o), (o)) \
    X(void, operation_cancel, (pa_operation *o), (o))

#define POINTER(ret, name, params, args) static ret(*real_##name) params;
PULSE_FUNCTIONS(POINTER)

static char load_error[512];
static int loaded;

int srpa_load(void) {
    if (loaded) return 0;
    void *lib = dlopen("libpulse.so.0", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return -1;
    }
#define RESOLVE(ret, name, params, args)                                      \
    real_##name = (ret(*) params)dlsym(lib, "pa_" #name);                      \
    if (real_##name == NULL) {                                                 \
        snprintf(load_error, sizeof load_error, "libpulse.so.0 has no pa_%s", #name); \
        return -1;                                                             \
    }
    PULSE_FUNCTIONS(RESOLVE)
    loaded = 1;
    return 0;
}

const char *srpa_load_error(void) { return load_error; }

#define WRAPPER(ret, name, params, args) \
    ret srpa_##name params { return real_##name args; }
PULSE_FUNCTIONS(WRAPPER)
