// Sleep(milliseconds) over the standard library's sleep: 0 gives up the rest of the time slice,
// as on Windows, and INFINITE suspends the thread for good.
#include <chrono>
#include <thread>

#include <windows.h>

extern "C" VOID WINAPI Sleep(DWORD dwMilliseconds) {
  if (dwMilliseconds == 0) {
    std::this_thread::yield();
    return;
  }
  if (dwMilliseconds == INFINITE) {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(24));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(dwMilliseconds));
}
