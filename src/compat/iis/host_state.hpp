// What the host's parts share: options, the module table, the loops and the module pool, the
// IHttpServer the modules were given, and the live requests (for stop and live_requests()).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <httpserv.h>

#include "modules.hpp"
#include "net/blocking_pool.hpp"
#include "net/listener.hpp"
#include "net/tls.hpp"
#include "net/workers.hpp"
#include "http/front.hpp"
#include "websock/iis/host.hpp"

namespace websock::iis {

class http_context;

// The IHttpServer (and IHttpServer2, for HttpGetExtendedInterface) that RegisterModule receives.
class server_object final : public IHttpServer2 {
 public:
  BOOL IsCommandLineLaunch() const override { return TRUE; }
  PCWSTR GetAppPoolName() const override { return L"websock"; }
  HRESULT AssociateWithThreadPool(HANDLE, LPOVERLAPPED_COMPLETION_ROUTINE) override { return E_NOTIMPL; }
  VOID IncrementThreadCount() override {}
  VOID DecrementThreadCount() override {}
  VOID ReportUnhealthy(PCWSTR reason, HRESULT hr) override;
  VOID RecycleProcess(PCWSTR reason) override;
  IAppHostAdminManager* GetAdminManager() const override { return nullptr; }
  HRESULT GetExtendedInterface(HTTP_SERVER_INTERFACE_VERSION version, PVOID* out) override;
  PCWSTR GetAppPoolConfigFile(DWORD* length) const override;
  HRESULT GetExtendedInterface(const GUID& from, PVOID input, const GUID& to, PVOID* out) override;

  std::function<void(std::string_view)> log;
};

struct host::state : std::enable_shared_from_this<host::state> {
  explicit state(host_options o);

  host_options options;
  server_object server;
  module_table modules;
  std::unique_ptr<net::blocking_pool> pool;  // module code
  std::unique_ptr<net::workers> loops;       // I/O
  std::shared_ptr<asio::ssl::context> tls;
  std::shared_ptr<net::listener> listener;
  std::shared_ptr<http::front_owner> front_owner;
  std::uint16_t port = 0;

  std::mutex mu;
  std::condition_variable changed;
  // Begun, not yet cleaned up: the host owns each request until then (modules hold raw pointers).
  std::map<std::uint64_t, std::shared_ptr<http_context>> requests;
  // Every connection's front, so that stop can end the idle ones too (a front waiting for its next
  // request holds its loop: left open at stop, both would leak). Expired ones are pruned.
  std::vector<std::weak_ptr<http::front>> fronts;
  std::uint64_t next_request = 1;
  bool started = false;
  bool stopping = false;

  void log(std::string_view line) const;
  std::uint64_t new_request_id();
  void add_request(const std::shared_ptr<http_context>& r);
  void remove_request(std::uint64_t id);
};

}  // namespace websock::iis
