// The registered modules: each one's RegisterModule is called once, at load, with a
// registration object that records its factory, the notifications it subscribed to and their
// priorities; then the table knows, for every notification, which modules to call in which order.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <httpserv.h>

namespace websock::iis {

// The priorities of SetPriorityForRequestNotification, first to last.
enum class priority : int { first = 0, high = 1, medium = 2, low = 3, last = 4 };

// The deterministic request notifications in pipeline order (RQ_BEGIN_REQUEST ... RQ_END_REQUEST).
inline constexpr std::array<DWORD, 12> pipeline = {
    RQ_BEGIN_REQUEST,         RQ_AUTHENTICATE_REQUEST,        RQ_AUTHORIZE_REQUEST,
    RQ_RESOLVE_REQUEST_CACHE, RQ_MAP_REQUEST_HANDLER,         RQ_ACQUIRE_REQUEST_STATE,
    RQ_PRE_EXECUTE_REQUEST_HANDLER, RQ_EXECUTE_REQUEST_HANDLER, RQ_RELEASE_REQUEST_STATE,
    RQ_UPDATE_REQUEST_CACHE,  RQ_LOG_REQUEST,                 RQ_END_REQUEST};

struct module_entry;

class registration final : public IHttpModuleRegistrationInfo {
 public:
  explicit registration(module_entry& m) : m_(m) {}
  PCWSTR GetName() const override;
  HTTP_MODULE_ID GetId() const override;
  HRESULT SetRequestNotifications(IHttpModuleFactory* factory, DWORD request, DWORD post) override;
  HRESULT SetGlobalNotifications(CGlobalModule* global, DWORD notifications) override;
  HRESULT SetPriorityForRequestNotification(DWORD notification, PCWSTR alias) override;
  HRESULT SetPriorityForGlobalNotification(DWORD notification, PCWSTR alias) override;

 private:
  module_entry& m_;
};

struct module_entry {
  std::wstring name;
  IHttpModuleFactory* factory = nullptr;
  CGlobalModule* global = nullptr;
  DWORD request_mask = 0;
  DWORD post_mask = 0;
  std::array<priority, 32> priorities{};  // per notification bit; medium unless set
  void* library = nullptr;               // dlopen handle, or null for a module linked in
  std::unique_ptr<registration> info;    // GetId() is its address: stable for the host's life
};

class module_table {
 public:
  module_table() = default;
  module_table(const module_table&) = delete;
  module_table& operator=(const module_table&) = delete;
  ~module_table();

  // Calls `entry` (RegisterModule) with a fresh registration; throws host_error when it fails or
  // subscribes to no request notification. The error names `file` (the shared object's path) if
  // given, else the module's name.
  void add(std::wstring name, PFN_REGISTERMODULE entry, IHttpServer* server, void* library = nullptr,
           const std::string& file = {});
  // dlopen()s the file and adds its RegisterModule; throws host_error with dlerror()'s reason.
  void load(const std::string& path, std::wstring name, IHttpServer* server);

  std::size_t size() const noexcept { return modules_.size(); }
  const module_entry& at(std::size_t i) const noexcept { return *modules_[i]; }
  // The modules to call for a notification (post: its post-notification), in IIS's order: by
  // priority, then in registration order.
  std::vector<std::size_t> order_for(DWORD notification, bool post) const;
  // Terminate() on every factory and global module, once.
  void terminate();

 private:
  std::vector<std::unique_ptr<module_entry>> modules_;
  bool terminated_ = false;
};

// Bit index of a single-bit notification mask (RQ_BEGIN_REQUEST -> 0).
int notification_bit(DWORD notification) noexcept;

}  // namespace websock::iis
