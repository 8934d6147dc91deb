// Xlib (XOpenDisplay, XSetAuthorization) and libXau (XauReadAuth,
// XauWriteAuth) for SubrootX11. Flags come from pkg-config x11.
#include <X11/Xlib.h>
#include <X11/Xauth.h>
