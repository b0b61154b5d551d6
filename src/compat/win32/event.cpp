// Win32 events: CreateEventA/W, SetEvent, ResetEvent. An event is a flag under wait_lock();
// setting it wakes every waiter, and each re-checks (wait.cpp): all of them proceed for a
// manual-reset event, the first to look for an auto-reset one, whose satisfy_wait() clears the
// flag before the others see it.
#include <cstdlib>
#include <cwchar>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <windows.h>

#include "kernel_object.hpp"

namespace websock::win32 {
namespace {

class event final : public waitable {
 public:
  event(bool manual_reset, bool initially_set) : manual_reset_(manual_reset), set_(initially_set) {}

  bool signaled() const override { return set_; }
  void satisfy_wait() override {
    if (!manual_reset_) set_ = false;
  }

  void set() {
    {
      std::lock_guard guard(wait_lock());
      set_ = true;
    }
    wait_changed().notify_all();
  }
  void reset() {
    std::lock_guard guard(wait_lock());
    set_ = false;
  }

 private:
  const bool manual_reset_;
  bool set_;  // guarded by wait_lock()
};

// Named events of the process. An entry outlives its event (weak_ptr): an expired one is replaced
// by the next create of that name, so the name is free again once the last handle is closed.
struct name_registry {
  std::mutex lock;
  std::map<std::wstring, std::weak_ptr<event>> events;
};

name_registry& names() {
  static name_registry instance;
  return instance;
}

HANDLE create(bool manual_reset, bool initially_set, const std::wstring* name) {
  std::shared_ptr<event> object;
  bool existed = false;
  if (name == nullptr) {
    object = std::make_shared<event>(manual_reset, initially_set);
  } else {
    auto& registry = names();
    std::lock_guard guard(registry.lock);
    auto& entry = registry.events[*name];
    object = entry.lock();
    existed = object != nullptr;
    if (!existed) {
      object = std::make_shared<event>(manual_reset, initially_set);
      entry = object;
    }
  }
  HANDLE handle = open_handle(object);
  SetLastError(existed ? ERROR_ALREADY_EXISTS : ERROR_SUCCESS);
  return handle;
}

// Windows converts an A name through the ANSI code page, which never fails; here the locale's
// multibyte encoding, and a name it cannot decode is taken byte by byte (Latin-1), so an A name and
// a W name meet whenever they spell the same ASCII.
std::wstring widened(const char* name) {
  std::mbstate_t state{};
  const char* source = name;
  std::size_t length = std::mbsrtowcs(nullptr, &source, 0, &state);
  if (length == static_cast<std::size_t>(-1)) {
    std::wstring bytes;
    for (const char* p = name; *p != '\0'; ++p) bytes.push_back(static_cast<unsigned char>(*p));
    return bytes;
  }
  std::wstring wide(length, L'\0');
  source = name;
  state = std::mbstate_t{};
  std::mbsrtowcs(wide.data(), &source, length, &state);
  return wide;
}

std::shared_ptr<event> event_of(HANDLE handle) {
  auto found = std::dynamic_pointer_cast<event>(object_of(handle));
  if (!found) SetLastError(ERROR_INVALID_HANDLE);
  return found;
}

}  // namespace
}  // namespace websock::win32

extern "C" HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES /*lpEventAttributes*/, BOOL bManualReset,
                                      BOOL bInitialState, LPCWSTR lpName) {
  if (lpName == nullptr) return websock::win32::create(bManualReset != FALSE, bInitialState != FALSE, nullptr);
  const std::wstring name(lpName);
  return websock::win32::create(bManualReset != FALSE, bInitialState != FALSE, &name);
}

extern "C" HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES /*lpEventAttributes*/, BOOL bManualReset,
                                      BOOL bInitialState, LPCSTR lpName) {
  if (lpName == nullptr) return websock::win32::create(bManualReset != FALSE, bInitialState != FALSE, nullptr);
  const std::wstring name = websock::win32::widened(lpName);
  return websock::win32::create(bManualReset != FALSE, bInitialState != FALSE, &name);
}

extern "C" BOOL WINAPI SetEvent(HANDLE hEvent) {
  auto object = websock::win32::event_of(hEvent);
  if (!object) return FALSE;
  object->set();
  return TRUE;
}

extern "C" BOOL WINAPI ResetEvent(HANDLE hEvent) {
  auto object = websock::win32::event_of(hEvent);
  if (!object) return FALSE;
  object->reset();
  return TRUE;
}
