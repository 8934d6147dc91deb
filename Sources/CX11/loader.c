#include "CX11.h"

#include <dlfcn.h>
#include <stdio.h>

static Display *(*real_XOpenDisplay)(const char *);
static int (*real_XCloseDisplay)(Display *);
static void (*real_XSetAuthorization)(char *, int, char *, int);
static Xauth *(*real_XauReadAuth)(FILE *);
static int (*real_XauWriteAuth)(FILE *, Xauth *);
static void (*real_XauDisposeAuth)(Xauth *);

static char load_error[512];
static int loaded;

static void *resolve(void *lib, const char *library, const char *name) {
    void *symbol = dlsym(lib, name);
    if (symbol == NULL) snprintf(load_error, sizeof load_error, "%s has no %s", library, name);
    return symbol;
}

int srx_load(void) {
    if (loaded) return 0;
    void *x11 = dlopen("libX11.so.6", RTLD_NOW | RTLD_LOCAL);
    void *xau = x11 ? dlopen("libXau.so.6", RTLD_NOW | RTLD_LOCAL) : NULL;
    if (x11 == NULL || xau == NULL) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return -1;
    }
    if (!(real_XOpenDisplay = resolve(x11, "libX11.so.6", "XOpenDisplay"))) return -1;
    if (!(real_XCloseDisplay = resolve(x11, "libX11.so.6", "XCloseDisplay"))) return -1;
    if (!(real_XSetAuthorization = resolve(x11, "libX11.so.6", "XSetAuthorization"))) return -1;
    if (!(real_XauReadAuth = resolve(xau, "libXau.so.6", "XauReadAuth"))) return -1;
    if (!(real_XauWriteAuth = resolve(xau, "libXau.so.6", "XauWriteAuth"))) return -1;
    if (!(real_XauDisposeAuth = resolve(xau, "libXau.so.6", "XauDisposeAuth"))) return -1;
    loaded = 1;
    return 0;
}

const char *srx_load_error(void) { return load_error; }

Display *srx_XOpenDisplay(const char *name) { return real_XOpenDisplay(name); }
int srx_XCloseDisplay(Display *display) { return real_XCloseDisplay(display); }
void srx_XSetAuthorization(char *name, int namelen, char *data, int datalen) {
    real_XSetAuthorization(name, namelen, data, datalen);
}
Xauth *srx_XauReadAuth(FILE *file) { return real_XauReadAuth(file); }
int srx_XauWriteAuth(FILE *file, Xauth *auth) { return real_XauWriteAuth(file, auth); }
void srx_XauDisposeAuth(Xauth *auth) { real_XauDisposeAuth(auth); }
