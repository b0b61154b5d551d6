/*
 * handleapi.h: CloseHandle and INVALID_HANDLE_VALUE. Part of websock's Windows compatibility
 * folder; programs normally get it through <windows.h>.
 *
 * The kernel objects here are the events of synchapi.h. A HANDLE is an opaque value (a small
 * multiple of 4, as Windows hands out, never NULL and never reused within a process), looked up
 * in the process's handle table; an unknown, closed or NULL handle fails with
 * ERROR_INVALID_HANDLE. Implemented in websock_compat (src/compat/win32/handle_table.cpp).
 */
#ifndef WEBSOCK_WIN_HANDLEAPI_H
#define WEBSOCK_WIN_HANDLEAPI_H

#include "minwindef.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What file-like creation functions return on failure (the events return NULL instead). */
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

/* Closes the handle; the object goes when its last handle (and its last waiter) does. A thread
 * waiting on it meanwhile keeps waiting, as on Windows. FALSE and ERROR_INVALID_HANDLE for a
 * handle that is not open. */
BOOL WINAPI CloseHandle(_In_ _Post_ptr_invalid_ HANDLE hObject);

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_HANDLEAPI_H */
