// Critical sections over pthread mutexes. Windows critical sections are recursive (the owner may
// enter again and must leave as often), so every mutex is made PTHREAD_MUTEX_RECURSIVE. The
// Windows functions cannot fail (Vista and later), so neither do these: the only failure
// pthread_mutex_init can report for a default-attribute recursive mutex is running out of
// memory, and Windows raises an exception there, which a C caller cannot catch either.
#include <pthread.h>

#include <cstdlib>

#include <windows.h>

namespace {

void initialise(LPCRITICAL_SECTION section) {
  pthread_mutexattr_t attributes;
  pthread_mutexattr_init(&attributes);
  pthread_mutexattr_settype(&attributes, PTHREAD_MUTEX_RECURSIVE);
  if (pthread_mutex_init(&section->websock_mutex, &attributes) != 0) std::abort();
  pthread_mutexattr_destroy(&attributes);
}

}  // namespace

extern "C" VOID WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  initialise(lpCriticalSection);
}

extern "C" BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                             DWORD /*dwSpinCount*/) {
  initialise(lpCriticalSection);
  return TRUE;
}

extern "C" BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION lpCriticalSection,
                                                   DWORD /*dwSpinCount*/, DWORD /*Flags*/) {
  initialise(lpCriticalSection);
  return TRUE;
}

// Windows returns the previous spin count; none is kept, so 0.
extern "C" DWORD WINAPI SetCriticalSectionSpinCount(LPCRITICAL_SECTION /*lpCriticalSection*/,
                                                    DWORD /*dwSpinCount*/) {
  return 0;
}

extern "C" VOID WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  pthread_mutex_lock(&lpCriticalSection->websock_mutex);
}

extern "C" BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  return pthread_mutex_trylock(&lpCriticalSection->websock_mutex) == 0 ? TRUE : FALSE;
}

extern "C" VOID WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  pthread_mutex_unlock(&lpCriticalSection->websock_mutex);
}

extern "C" VOID WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  pthread_mutex_destroy(&lpCriticalSection->websock_mutex);
}
