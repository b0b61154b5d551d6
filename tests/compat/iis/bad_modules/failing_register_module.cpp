// A module whose RegisterModule fails (as one does when its configuration is missing): the host
// must refuse it with the HRESULT it returned (docs/compat/iis.md, "Faults").
#include <httpserv.h>

HRESULT __stdcall RegisterModule(DWORD, IHttpModuleRegistrationInfo*, IHttpServer*) {
  return HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED);  // 0x80070005
}
