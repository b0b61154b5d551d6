// websock's IIS module host: runs native IIS modules (httpserv.h, iiswebsocket.h) for real, over
// websock's HTTP/1.1 front and its WebSocket channel, as `websock iis` does. Modules come from
// shared objects that export RegisterModule, or are registered in code with their entry point.
//
// Each request goes through the IIS pipeline (RQ_BEGIN_REQUEST ... RQ_END_REQUEST, each with its
// post-notification) to the modules that subscribed, in priority order; a request that no module
// finishes is answered 404. Module code (notifications and PFN_WEBSOCKET_COMPLETION callbacks)
// runs on a pool of threads of its own, never on the event loops, so it may block.
// Reference: docs/compat/iis.md.
//
// Needs include/win on the include path (link websock::websock_iis).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <httpserv.h>

namespace websock::iis {

// A module that cannot be loaded or registered, or a host that cannot start: what and why.
class host_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct host_options {
  std::string host = "127.0.0.1";  // address to bind
  std::uint16_t port = 0;          // 0: any free port (see host::port())
  std::string tls_cert_file;       // both set: https:// and wss://
  std::string tls_key_file;
  std::size_t io_threads = 1;          // event loops
  std::size_t max_module_threads = 256;  // the module pool grows up to this many threads

  // The IIS <webSocket> section. enabled = false: upgrade requests are ordinary requests
  // (no IIS_WEBSOCK, no WEBSOCKET_VERSION, no "websockets" context).
  bool websocket_enabled = true;
  // pingInterval: keep-alive frames after this much silence (zero: none).
  std::chrono::milliseconds ping_interval{0};
  // receiveBufferLimit: the largest message a client may send (bytes); larger ones close the
  // connection with 1009.
  std::uint64_t receive_buffer_limit = 4u << 20;
  // How long our close frame may wait for the client's answer.
  std::chrono::milliseconds close_timeout{5000};
  // A WebSocket request whose connection ended while its module had not finished it is cleaned
  // up this long after the last of its operations completed (the module's chance to finish).
  std::chrono::milliseconds abandoned_request_grace{2000};

  // Log lines (peer bytes already escaped). Default: stderr.
  std::function<void(std::string_view)> log;
};

class host {
 public:
  explicit host(host_options options);
  // Stops (if running), then calls each factory's Terminate.
  ~host();
  host(const host&) = delete;
  host& operator=(const host&) = delete;

  // Before start(). dlopen()s `path` and calls its RegisterModule; throws host_error when the file
  // cannot be loaded, exports no RegisterModule, or RegisterModule fails or subscribes nothing.
  // The module's name is the file's stem unless `name` is given.
  void load_module(const std::string& path, std::wstring name = {});
  // Before start(): a module linked into the program.
  void register_module(std::wstring name, PFN_REGISTERMODULE entry);

  // Binds and serves; throws host_error (no module, bind failure, TLS files).
  void start();
  std::uint16_t port() const noexcept;
  // Ends every connection and request (pending WebSocket operations complete with
  // 0x800703E3 first, so modules can finish), then waits for the threads.
  void stop();

  // Requests begun and not yet cleaned up (for tests and diagnostics).
  std::size_t live_requests() const;
  // Waits at most `limit` until no more than `n` requests are live; false if that did not happen.
  // A request's cleanup is the last thing it does, so this is how one sees it end for good.
  bool wait_live_requests(std::size_t n, std::chrono::milliseconds limit) const;

  struct state;

 private:
  std::shared_ptr<state> st_;
};

}  // namespace websock::iis
