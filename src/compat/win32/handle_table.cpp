// The process's handle table: HANDLE values to the objects they keep alive. Values are multiples
// of 4 from 4 upward, like the ones Windows hands out, and never reused, so a handle used after
// CloseHandle fails with ERROR_INVALID_HANDLE instead of reaching a newer object.
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include <windows.h>

#include "kernel_object.hpp"

namespace websock::win32 {
namespace {

struct handle_table {
  std::mutex lock;
  std::uintptr_t last = 0;
  std::unordered_map<std::uintptr_t, std::shared_ptr<kernel_object>> objects;
};

handle_table& table() {
  static handle_table instance;  // never destroyed before a static object's destructor uses it
  return instance;
}

std::uintptr_t value_of(HANDLE handle) { return reinterpret_cast<std::uintptr_t>(handle); }

}  // namespace

HANDLE open_handle(std::shared_ptr<kernel_object> object) {
  auto& t = table();
  std::lock_guard guard(t.lock);
  t.last += 4;
  t.objects.emplace(t.last, std::move(object));
  return reinterpret_cast<HANDLE>(t.last);
}

std::shared_ptr<kernel_object> object_of(HANDLE handle) {
  auto& t = table();
  std::lock_guard guard(t.lock);
  auto found = t.objects.find(value_of(handle));
  return found == t.objects.end() ? nullptr : found->second;
}

}  // namespace websock::win32

extern "C" BOOL WINAPI CloseHandle(HANDLE hObject) {
  auto& t = websock::win32::table();
  std::shared_ptr<websock::win32::kernel_object> released;  // destroyed after the table is unlocked
  {
    std::lock_guard guard(t.lock);
    auto found = t.objects.find(websock::win32::value_of(hObject));
    if (found == t.objects.end()) {
      SetLastError(ERROR_INVALID_HANDLE);
      return FALSE;
    }
    released = std::move(found->second);
    t.objects.erase(found);
  }
  return TRUE;
}
