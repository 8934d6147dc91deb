// Xlib and libXau, loaded on demand. Linked, they bring libxcb, libXdmcp,
// libbsd and libmd into every `subroot run` (about 0.4 ms), also when no
// display is wanted; these wrappers dlopen them the first time a profile
// asks for X11. Each srx_X calls X with the same arguments; call
// srx_load() first.
#ifndef CX11_H
#define CX11_H

#include <X11/Xlib.h>
#include <X11/Xauth.h>

/// Loads libX11.so.6 and libXau.so.6 and resolves the functions below.
/// 0 on success; -1 with the reason in srx_load_error().
int srx_load(void);
const char *srx_load_error(void);

Display *srx_XOpenDisplay(const char *name);
int srx_XCloseDisplay(Display *display);
void srx_XSetAuthorization(char *name, int namelen, char *data, int datalen);
Xauth *srx_XauReadAuth(FILE *file);
int srx_XauWriteAuth(FILE *file, Xauth *auth);
void srx_XauDisposeAuth(Xauth *auth);

#endif
