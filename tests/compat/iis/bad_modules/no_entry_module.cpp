// A shared object that is no IIS module: it exports a function, but not RegisterModule. The host
// must refuse it by name (docs/compat/iis.md, "Faults").
#include <windows.h>

extern "C" __declspec(dllexport) DWORD websock_not_a_module() { return 0; }
