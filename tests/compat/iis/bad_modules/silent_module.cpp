// A module whose RegisterModule succeeds without subscribing to any request notification: it
// could never run, so the host must refuse it (docs/compat/iis.md, "Faults").
#include <httpserv.h>

HRESULT __stdcall RegisterModule(DWORD, IHttpModuleRegistrationInfo*, IHttpServer*) { return S_OK; }
