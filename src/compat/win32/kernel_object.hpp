// The process's kernel objects behind HANDLEs (handle_table.cpp) and the one lock their wait
// states live under (wait.cpp). Events are the only objects so far; threads or mutexes would be
// further `waitable`s.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include <windows.h>

namespace websock::win32 {

class kernel_object {
 public:
  kernel_object() = default;
  kernel_object(const kernel_object&) = delete;
  kernel_object& operator=(const kernel_object&) = delete;
  virtual ~kernel_object() = default;
};

// An object a wait function can wait on. Both members are called with wait_lock() held: one lock
// for every object, so that WaitForMultipleObjects sees (and, with bWaitAll, consumes) several
// objects atomically, as Windows does.
class waitable : public kernel_object {
 public:
  virtual bool signaled() const = 0;
  // The wait that saw signaled() is satisfied: an auto-reset event resets here.
  virtual void satisfy_wait() = 0;
};

// Guards every waitable's state. Whoever makes an object signaled notifies wait_changed() after
// unlocking; waiters re-check all their objects on each wake-up.
std::mutex& wait_lock();
std::condition_variable& wait_changed();

// A new handle to the object (never NULL, never a value handed out before).
HANDLE open_handle(std::shared_ptr<kernel_object> object);
// The object the handle refers to, or null for a handle that is not open.
std::shared_ptr<kernel_object> object_of(HANDLE handle);

}  // namespace websock::win32
