/*
 * windows.h: the part of the Win32 base that websock's Windows-compatible faces and the programs
 * written for them need. A program written for Windows that includes <windows.h> and <websocket.h>
 * (or <winhttp.h>) compiles unchanged on Linux when this folder is on the include path
 * (pkg-config websock-compat, or the CMake target websock::websock_compat).
 *
 * Part of websock's Windows compatibility folder (include/win). Plain C (C99 and later) and C++.
 * Like the SDK's, this header only gathers others, each with one job (and the SDK's file name,
 * so that a program including one of them directly finds it too):
 *
 *   minwindef.h            base types sized as on Windows, WCHAR/TCHAR, calling conventions,
 *                          ZeroMemory/CopyMemory, ARRAYSIZE, DECLARE_HANDLE, ...
 *   sal.h                  the SAL annotations, empty
 *   winerror.h             HRESULT macros and values, Win32 error codes
 *   errhandlingapi.h       GetLastError, SetLastError
 *   minwinbase.h           SECURITY_ATTRIBUTES
 *   handleapi.h            CloseHandle, INVALID_HANDLE_VALUE
 *   synchapi.h             CRITICAL_SECTION (recursive, as on Windows), events, waits, Sleep
 *   winbase.h              WAIT_OBJECT_0, WAIT_FAILED, ..., MAXIMUM_WAIT_OBJECTS; gathers the three above
 *   heapapi.h              GetProcessHeap, HeapAlloc, HeapReAlloc, HeapFree, HeapSize
 *   websock_win_wprintf.h  wprintf and kin with the Windows meaning of %s, %S, %ld, %I64d, ...
 *
 * docs/compat/windows_headers.md lists what exists, what is implemented and what is not.
 */
#ifndef WEBSOCK_WIN_WINDOWS_H
#define WEBSOCK_WIN_WINDOWS_H

#include "minwindef.h"
#include "winerror.h"
#include "errhandlingapi.h"
#include "minwinbase.h"
#include "handleapi.h"
#include "synchapi.h"
#include "winbase.h"
#include "heapapi.h"
#include "websock_win_wprintf.h"

#endif /* WEBSOCK_WIN_WINDOWS_H */
