/*
 * errhandlingapi.h: the calling thread's last-error code (GetLastError, SetLastError), as
 * Win32 functions that report failure by return value and detail by last error expect.
 * Part of websock's Windows compatibility folder; programs normally get it through <windows.h>.
 * Implemented in the library websock_compat (src/compat/win32/last_error.cpp): one value per
 * thread, 0 (ERROR_SUCCESS) in a new thread.
 */
#ifndef WEBSOCK_WIN_ERRHANDLINGAPI_H
#define WEBSOCK_WIN_ERRHANDLINGAPI_H

#include "minwindef.h"

#ifdef __cplusplus
extern "C" {
#endif

DWORD WINAPI GetLastError(VOID);

VOID WINAPI SetLastError(_In_ DWORD dwErrCode);

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_ERRHANDLINGAPI_H */
