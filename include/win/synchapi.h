/*
 * synchapi.h: critical sections, events, waits and Sleep, the Win32 synchronisation a Windows
 * program most often uses. Part of websock's Windows compatibility folder; programs normally get it
 * through <windows.h> (which also brings winbase.h's WAIT_OBJECT_0, WAIT_FAILED, ...).
 *
 * A CRITICAL_SECTION is a recursive pthread mutex: the owning thread may enter it again, and must
 * leave it as many times as it entered, as on Windows. The functions are implemented in the
 * library websock_compat (src/compat/win32/critical_section.cpp) rather than inline here, because
 * asking pthreads for a recursive mutex needs feature macros a strict C99 program does not set.
 * The structure's fields are not those of Windows (programs never touch them).
 */
#ifndef WEBSOCK_WIN_SYNCHAPI_H
#define WEBSOCK_WIN_SYNCHAPI_H

#include <pthread.h>

#include "minwinbase.h"
#include "minwindef.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _RTL_CRITICAL_SECTION {
  pthread_mutex_t websock_mutex; /* recursive; initialised by InitializeCriticalSection* */
} RTL_CRITICAL_SECTION, *PRTL_CRITICAL_SECTION, CRITICAL_SECTION, *PCRITICAL_SECTION,
    *LPCRITICAL_SECTION;

VOID WINAPI InitializeCriticalSection(_Out_ LPCRITICAL_SECTION lpCriticalSection);

/* The spin count is accepted and ignored. Both return TRUE, as on Windows Vista and later. */
BOOL WINAPI InitializeCriticalSectionAndSpinCount(_Out_ LPCRITICAL_SECTION lpCriticalSection,
                                                  _In_ DWORD dwSpinCount);
BOOL WINAPI InitializeCriticalSectionEx(_Out_ LPCRITICAL_SECTION lpCriticalSection,
                                        _In_ DWORD dwSpinCount, _In_ DWORD Flags);
DWORD WINAPI SetCriticalSectionSpinCount(_Inout_ LPCRITICAL_SECTION lpCriticalSection,
                                         _In_ DWORD dwSpinCount);

VOID WINAPI EnterCriticalSection(_Inout_ LPCRITICAL_SECTION lpCriticalSection);
BOOL WINAPI TryEnterCriticalSection(_Inout_ LPCRITICAL_SECTION lpCriticalSection);
VOID WINAPI LeaveCriticalSection(_Inout_ LPCRITICAL_SECTION lpCriticalSection);
VOID WINAPI DeleteCriticalSection(_Inout_ LPCRITICAL_SECTION lpCriticalSection);

/*
 * Events (src/compat/win32/event.cpp, wait.cpp). A manual-reset event stays signaled until
 * ResetEvent and releases every waiter; an auto-reset event releases one waiter and goes back to
 * nonsignaled as that wait is satisfied. Every function is safe to call from any thread. Names are
 * one namespace for the process (not the session: there is no other process to share with);
 * creating an existing name opens that event, ignores bManualReset and bInitialState and sets
 * ERROR_ALREADY_EXISTS; otherwise a successful create sets ERROR_SUCCESS, as on Windows.
 * lpEventAttributes is accepted and ignored. Close the handle with CloseHandle (handleapi.h).
 */
_Ret_maybenull_ HANDLE WINAPI CreateEventA(_In_opt_ LPSECURITY_ATTRIBUTES lpEventAttributes,
                                           _In_ BOOL bManualReset, _In_ BOOL bInitialState,
                                           _In_opt_ LPCSTR lpName);
_Ret_maybenull_ HANDLE WINAPI CreateEventW(_In_opt_ LPSECURITY_ATTRIBUTES lpEventAttributes,
                                           _In_ BOOL bManualReset, _In_ BOOL bInitialState,
                                           _In_opt_ LPCWSTR lpName);
#ifdef UNICODE
#define CreateEvent CreateEventW
#else
#define CreateEvent CreateEventA
#endif

/* FALSE and ERROR_INVALID_HANDLE for a handle that is not an open event. */
BOOL WINAPI SetEvent(_In_ HANDLE hEvent);
BOOL WINAPI ResetEvent(_In_ HANDLE hEvent);

/*
 * WAIT_OBJECT_0 once the object is signaled (consuming an auto-reset event's signal), WAIT_TIMEOUT
 * after dwMilliseconds (0 polls; INFINITE never times out), WAIT_FAILED with the reason in
 * GetLastError (ERROR_INVALID_HANDLE). The last error is left alone otherwise.
 */
DWORD WINAPI WaitForSingleObject(_In_ HANDLE hHandle, _In_ DWORD dwMilliseconds);

/*
 * bWaitAll FALSE: WAIT_OBJECT_0 + the lowest index among the signaled objects, only that one
 * consumed. TRUE: WAIT_OBJECT_0 once all are signaled at the same time, all consumed together
 * (none while any is not). nCount 0 or above MAXIMUM_WAIT_OBJECTS, or the same object twice with
 * bWaitAll, fail with ERROR_INVALID_PARAMETER; any handle that is not open, ERROR_INVALID_HANDLE.
 */
DWORD WINAPI WaitForMultipleObjects(_In_ DWORD nCount, _In_reads_(nCount) CONST HANDLE *lpHandles,
                                    _In_ BOOL bWaitAll, _In_ DWORD dwMilliseconds);

/* Suspends the calling thread for at least dwMilliseconds; 0 yields. INFINITE never returns. */
VOID WINAPI Sleep(_In_ DWORD dwMilliseconds);

#ifndef INFINITE
#define INFINITE 0xFFFFFFFFu
#endif

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_SYNCHAPI_H */
