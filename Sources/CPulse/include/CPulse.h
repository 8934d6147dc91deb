// libpulse, loaded on demand. Linking libpulse would load 28 libraries
// (sndfile, FLAC, vorbis, dbus, systemd, ...) into every `subroot run`,
// about 2.8 ms even when no audio is wanted; instead these wrappers dlopen
// libpulse.so.0 the first time a profile asks for PulseAudio. Each srpa_X
// calls pa_X with the same arguments; call srpa_load() first.
#ifndef CPULSE_H
#define CPULSE_H

#include <pulse/pulseaudio.h>

/// Loads libpulse.so.0 and resolves every function below. 0 on success;
/// -1 with the reason in srpa_load_error().
int srpa_load(void);
const char *srpa_load_error(void);

pa_mainloop *srpa_mainloop_new(void);
void srpa_mainloop_free(pa_mainloop *m);
pa_mainloop_api *srpa_mainloop_get_api(pa_mainloop *m);
int srpa_mainloop_prepare(pa_mainloop *m, int timeout);
int srpa_mainloop_poll(pa_mainloop *m);
int srpa_mainloop_dispatch(pa_mainloop *m);
pa_context *srpa_context_new(pa_mainloop_api *api, const char *name);
void srpa_context_unref(pa_context *c);
int srpa_context_connect(pa_context *c, const char *server, pa_context_flags_t flags, const pa_spawn_api *api);
void srpa_context_disconnect(pa_context *c);
pa_context_state_t srpa_context_get_state(const pa_context *c);
int srpa_context_errno(const pa_context *c);
const char *srpa_strerror(int error);
pa_operation *srpa_context_load_module(pa_context *c, const char *name, const char *argument,
                                       pa_context_index_cb_t cb, void *userdata);
pa_operation *srpa_context_unload_module(pa_context *c, uint32_t idx, pa_context_success_cb_t cb, void *userdata);
pa_operation *srpa_context_get_module_info_list(pa_context *c, pa_module_info_cb_t cb, void *userdata);
void srpa_operation_unref(pa_operation *o);
pa_operation_state_t srpa_operation_get_state(const pa_operation *o);
void srpa_operation_cancel(pa_operation *o);

#endif
