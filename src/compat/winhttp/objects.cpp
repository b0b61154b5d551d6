#include "objects.hpp"

#include <condition_variable>
#include <unordered_map>

namespace websock::winhttp {
namespace {

std::atomic<std::size_t> alive{0};

// Signalled by every destructor, for wait_live_objects_at_most. Never destroyed: objects may die
// during exit.
struct death_signal {
  std::mutex mu;
  std::condition_variable cv;
};
death_signal& deaths() {
  static death_signal* d = new death_signal;
  return *d;
}

struct table {
  std::mutex mu;
  std::unordered_map<std::uintptr_t, std::shared_ptr<object>> open;
  // Handle values look like Windows' (small multiples of 4), start away from NULL and from
  // INVALID_HANDLE_VALUE, and are never reused, so a stale handle cannot reach a new object.
  std::uintptr_t next = 0x1000;
};

table& handles() {
  static table* t = new table;  // never destroyed: handles may be closed during exit
  return *t;
}

// WinHTTP's SDK has no mask bits of their own for these two completions; .NET registers
// ALL_COMPLETIONS | HANDLES and waits for both, so they come with any completion flag
// (docs/compat/winhttp.md, "Callbacks").
bool wanted(DWORD mask, DWORD status) noexcept {
  if (status == WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE || status == WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE) {
    return (mask & (status | WINHTTP_CALLBACK_FLAG_ALL_COMPLETIONS)) != 0;
  }
  return (mask & status) != 0;
}

}  // namespace

object::object(kind k) : type(k) { alive.fetch_add(1, std::memory_order_relaxed); }
object::~object() {
  death_signal& d = deaths();
  {
    std::lock_guard lock(d.mu);  // a waiter between its check and its wait cannot miss this
    alive.fetch_sub(1, std::memory_order_relaxed);
  }
  d.cv.notify_all();
}

void object::inherit(const std::shared_ptr<object>& p) {
  parent = p;
  std::lock_guard lock(p->mu);
  async = p->async;
  callback = p->callback;
  mask = p->mask;
  context = p->context;
  limits = p->limits;
}

HINTERNET register_handle(std::shared_ptr<object> obj) {
  table& t = handles();
  std::lock_guard lock(t.mu);
  const std::uintptr_t value = t.next;
  t.next += 4;
  obj->handle = reinterpret_cast<HINTERNET>(value);
  t.open.emplace(value, std::move(obj));
  return reinterpret_cast<HINTERNET>(value);
}

std::shared_ptr<object> find_handle(HINTERNET h) {
  table& t = handles();
  std::lock_guard lock(t.mu);
  const auto it = t.open.find(reinterpret_cast<std::uintptr_t>(h));
  return it == t.open.end() ? nullptr : it->second;
}

std::shared_ptr<object> remove_handle(HINTERNET h) {
  table& t = handles();
  std::lock_guard lock(t.mu);
  const auto it = t.open.find(reinterpret_cast<std::uintptr_t>(h));
  if (it == t.open.end()) return nullptr;
  auto obj = std::move(it->second);
  t.open.erase(it);
  return obj;
}

std::size_t live_objects() noexcept { return alive.load(std::memory_order_relaxed); }

std::size_t wait_live_objects_at_most(std::size_t target, std::chrono::milliseconds timeout) {
  death_signal& d = deaths();
  std::unique_lock lock(d.mu);
  d.cv.wait_for(lock, timeout, [&] { return alive.load(std::memory_order_relaxed) <= target; });
  return alive.load(std::memory_order_relaxed);
}

void notify(object& obj, DWORD status, LPVOID info, DWORD length) {
  WINHTTP_STATUS_CALLBACK cb;
  DWORD_PTR context;
  {
    std::lock_guard lock(obj.mu);
    if (!obj.callback || !wanted(obj.mask, status)) return;
    cb = obj.callback;
    context = obj.context;
  }
  if (obj.closing_delivered.load(std::memory_order_acquire)) return;
  cb(obj.handle, context, status, info, length);
}

void notify_closing(object& obj) {
  if (obj.closing_delivered.load(std::memory_order_acquire)) return;
  HINTERNET h = obj.handle;
  notify(obj, WINHTTP_CALLBACK_STATUS_HANDLE_CLOSING, &h, sizeof h);
  obj.closing_delivered.store(true, std::memory_order_release);
}

}  // namespace websock::winhttp
