// WaitForSingleObject and WaitForMultipleObjects over one mutex and one condition variable for
// all waitable objects (kernel_object.hpp): a waiter checks its objects under the lock, sleeps
// on the condition variable, and checks again whenever any object changed. Simple rather than
// fast, and it makes "wait for all" atomic: the objects are consumed together or not at all.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include <windows.h>

#include "kernel_object.hpp"

namespace websock::win32 {

std::mutex& wait_lock() {
  static std::mutex instance;
  return instance;
}

std::condition_variable& wait_changed() {
  static std::condition_variable instance;
  return instance;
}

namespace {

DWORD failed(DWORD error) {
  SetLastError(error);
  return WAIT_FAILED;
}

// WAIT_OBJECT_0 + index if the wait is satisfied now (and satisfies it), else WAIT_TIMEOUT.
DWORD try_satisfy(const std::vector<std::shared_ptr<waitable>>& objects, bool wait_all) {
  if (!wait_all) {
    for (std::size_t i = 0; i < objects.size(); ++i) {
      if (objects[i]->signaled()) {
        objects[i]->satisfy_wait();
        return WAIT_OBJECT_0 + static_cast<DWORD>(i);
      }
    }
    return WAIT_TIMEOUT;
  }
  for (const auto& object : objects) {
    if (!object->signaled()) return WAIT_TIMEOUT;
  }
  for (const auto& object : objects) object->satisfy_wait();
  return WAIT_OBJECT_0;
}

}  // namespace
}  // namespace websock::win32

extern "C" DWORD WINAPI WaitForMultipleObjects(DWORD nCount, CONST HANDLE* lpHandles, BOOL bWaitAll,
                                               DWORD dwMilliseconds) {
  using namespace websock::win32;
  if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS || lpHandles == nullptr) return failed(ERROR_INVALID_PARAMETER);
  std::vector<std::shared_ptr<waitable>> objects;
  objects.reserve(nCount);
  for (DWORD i = 0; i < nCount; ++i) {
    auto object = std::dynamic_pointer_cast<waitable>(object_of(lpHandles[i]));
    if (!object) return failed(ERROR_INVALID_HANDLE);
    // Waiting for all of one object twice (through the same or two handles) is refused by
    // Windows: it could never be satisfied for an auto-reset event.
    if (bWaitAll) {
      for (const auto& earlier : objects) {
        if (earlier == object) return failed(ERROR_INVALID_PARAMETER);
      }
    }
    objects.push_back(std::move(object));
  }

  const bool wait_all = bWaitAll != FALSE;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(dwMilliseconds);
  std::unique_lock lock(wait_lock());
  for (;;) {
    const DWORD result = try_satisfy(objects, wait_all);
    if (result != WAIT_TIMEOUT || dwMilliseconds == 0) return result;
    if (dwMilliseconds == INFINITE) {
      wait_changed().wait(lock);
    } else if (wait_changed().wait_until(lock, deadline) == std::cv_status::timeout) {
      return try_satisfy(objects, wait_all);  // a last look: set just as the time ran out
    }
  }
}

extern "C" DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds) {
  return WaitForMultipleObjects(1, &hHandle, FALSE, dwMilliseconds);
}
