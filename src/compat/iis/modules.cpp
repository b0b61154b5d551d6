#include "modules.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cwctype>

#include "compat/win32/wide_string.hpp"
#include "websock/iis/host.hpp"

namespace websock::iis {
namespace {

bool same_alias(PCWSTR a, PCWSTR b) {
  for (; *a && *b; ++a, ++b) {
    if (std::towupper(static_cast<wint_t>(*a)) != std::towupper(static_cast<wint_t>(*b))) return false;
  }
  return *a == *b;
}

bool priority_of(PCWSTR alias, priority& out) {
  if (!alias) return false;
  static const std::pair<PCWSTR, priority> names[] = {{PRIORITY_ALIAS_FIRST, priority::first},
                                                      {PRIORITY_ALIAS_HIGH, priority::high},
                                                      {PRIORITY_ALIAS_MEDIUM, priority::medium},
                                                      {PRIORITY_ALIAS_LOW, priority::low},
                                                      {PRIORITY_ALIAS_LAST, priority::last}};
  for (const auto& [name, p] : names) {
    if (same_alias(alias, name)) {
      out = p;
      return true;
    }
  }
  return false;
}

std::string hex(HRESULT hr) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08X", static_cast<unsigned>(hr));
  return text;
}

}  // namespace

int notification_bit(DWORD notification) noexcept { return std::countr_zero(notification); }

PCWSTR registration::GetName() const { return m_.name.c_str(); }

HTTP_MODULE_ID registration::GetId() const { return const_cast<registration*>(this); }

HRESULT registration::SetRequestNotifications(IHttpModuleFactory* factory, DWORD request, DWORD post) {
  if (!factory || (request == 0 && post == 0)) return E_INVALIDARG;
  m_.factory = factory;
  m_.request_mask = request;
  m_.post_mask = post;
  return S_OK;
}

HRESULT registration::SetGlobalNotifications(CGlobalModule* global, DWORD notifications) {
  if (!global || notifications == 0) return E_INVALIDARG;
  m_.global = global;  // kept for Terminate; the host raises no global notification
  return S_OK;
}

HRESULT registration::SetPriorityForRequestNotification(DWORD notification, PCWSTR alias) {
  priority p;
  if (notification == 0 || std::popcount(notification) != 1 || !priority_of(alias, p)) return E_INVALIDARG;
  m_.priorities[static_cast<std::size_t>(notification_bit(notification))] = p;
  return S_OK;
}

HRESULT registration::SetPriorityForGlobalNotification(DWORD notification, PCWSTR alias) {
  priority p;
  if (notification == 0 || !priority_of(alias, p)) return E_INVALIDARG;
  return S_OK;
}

module_table::~module_table() { terminate(); }

void module_table::add(std::wstring name, PFN_REGISTERMODULE entry, IHttpServer* server, void* library,
                       const std::string& file) {
  auto m = std::make_unique<module_entry>();
  m->name = std::move(name);
  m->priorities.fill(priority::medium);
  m->library = library;
  m->info = std::make_unique<registration>(*m);
  const std::string label = file.empty() ? win32::to_utf8(m->name) : file;
  if (!entry) throw host_error("module " + label + ": no RegisterModule entry point");
  const HRESULT hr = entry(7, m->info.get(), server);
  if (FAILED(hr)) throw host_error("module " + label + ": RegisterModule failed with " + hex(hr));
  if (!m->factory) {
    if (m->global) m->global->Terminate();
    throw host_error("module " + label + ": RegisterModule subscribed to no request notification");
  }
  modules_.push_back(std::move(m));
}

void module_table::load(const std::string& path, std::wstring name, IHttpServer* server) {
  // RTLD_LOCAL: modules do not see each other's symbols (each is a DLL of its own on Windows).
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* why = dlerror();
    throw host_error("module " + path + ": cannot load: " + (why ? why : "unknown error"));
  }
  auto* entry = reinterpret_cast<PFN_REGISTERMODULE>(dlsym(lib, MODULE_REGISTERMODULE));
  if (!entry) {
    dlclose(lib);
    throw host_error("module " + path + ": does not export " MODULE_REGISTERMODULE);
  }
  if (name.empty()) {
    std::string stem = path.substr(path.find_last_of('/') + 1);
    if (const auto dot = stem.find('.'); dot != std::string::npos) stem.resize(dot);
    if (stem.starts_with("lib")) stem.erase(0, 3);
    name = win32::to_wide(stem);
  }
  try {
    add(std::move(name), entry, server, lib, path);
  } catch (...) {
    dlclose(lib);
    throw;
  }
}

std::vector<std::size_t> module_table::order_for(DWORD notification, bool post) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < modules_.size(); ++i) {
    const DWORD mask = post ? modules_[i]->post_mask : modules_[i]->request_mask;
    if (mask & notification) out.push_back(i);
  }
  const auto bit = static_cast<std::size_t>(notification_bit(notification));
  std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    return modules_[a]->priorities[bit] < modules_[b]->priorities[bit];
  });
  return out;
}

void module_table::terminate() {
  if (terminated_) return;
  terminated_ = true;
  for (auto& m : modules_) {
    if (m->factory) m->factory->Terminate();
    if (m->global) m->global->Terminate();
  }
  // The libraries stay loaded: a module's threads or atexit handlers may still point into them.
}

}  // namespace websock::iis
