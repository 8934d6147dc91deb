// libpulse's asynchronous API, driven by a pa_mainloop (the one that starts
// no thread) in SubrootPulse. Flags come from pkg-config libpulse.
#include <pulse/pulseaudio.h>
