/*
 * synchapi.h: critical sections and Sleep, the Win32 synchronisation a Windows program most often
 * uses. Part of websock's Windows compatibility folder; programs normally get it through <windows.h>.
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

/* Suspends the calling thread for at least dwMilliseconds; 0 yields. INFINITE never returns. */
VOID WINAPI Sleep(_In_ DWORD dwMilliseconds);

#ifndef INFINITE
#define INFINITE 0xFFFFFFFFu
#endif

#ifdef __cplusplus
}
#endif

#endif /* WEBSOCK_WIN_SYNCHAPI_H */
