// GetLastError / SetLastError: the last-error code is per thread on Windows, so it is a
// thread_local here; a new thread starts with ERROR_SUCCESS.
#include <windows.h>

namespace {
thread_local DWORD last_error = ERROR_SUCCESS;
}  // namespace

extern "C" DWORD WINAPI GetLastError(VOID) { return last_error; }

extern "C" VOID WINAPI SetLastError(DWORD dwErrCode) { last_error = dwErrCode; }
