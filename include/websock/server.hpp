// The WebSocket server: routes, plain HTTP on the same port, worker threads, graceful shutdown.
//
//   websock::server srv;
//   srv.route("/echo", {.callbacks = {.on_message = [](websock::connection& c, const websock::message& m) {
//     c.send(m.kind, m.data);
//   }}});
//   srv.listen("127.0.0.1", 8080);
//   srv.run();
//
// Each worker thread runs its own event loop with its own connections; one acceptor hands new
// connections out in turn. Everything here may be called from any thread; routes and handlers
// must be set before start().
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "websock/clock.hpp"
#include "websock/connection.hpp"
#include "websock/http.hpp"
#include "websock/options.hpp"

namespace websock {

enum class log_level : std::uint8_t { debug, info, warning, error };

struct route {
  handlers callbacks;
  // Subprotocols this route speaks, preferred first; the first one the client offers is chosen.
  std::vector<std::string> subprotocols;
  // Last word on an upgrade (auth, origin checks): return 0 to accept, adding response headers if
  // wanted, or an HTTP status such as 401 or 403 to refuse it.
  std::function<int(const upgrade_request&, header_list& response_headers)> on_upgrade;
  // Limits and timers of this route's connections; unset: server_options::session. (The handshake
  // timeout is always the server's: it runs before the request names a route.) A fan-out route
  // wants a small max_buffered_bytes with backpressure_policy::close_connection, so one member
  // that stops reading is closed with 1008 instead of holding the others' messages.
  std::optional<session_options> session;
  // The upgrade request's headers (connection::request_headers()) are there during on_open and
  // then given back, so that an idle connection holds no handshake memory; true keeps them for
  // the connection's life.
  bool keep_request_headers = false;
};

struct server_options {
  std::size_t threads = 0;  // 0: one per core
  std::optional<tls_server_options> tls;  // set: every TCP listener speaks wss://
  session_options session;
  // Plain GETs are answered from this directory (index.html for directories); empty: none.
  std::string static_dir;
  // Called for every server event worth a log line; default: none.
  std::function<void(log_level, std::string_view)> logger;
  // The time source of every timer; default: the steady clock. Tests pass a manual_clock.
  std::shared_ptr<const websock::clock> clock;
  // Server-wide bound on the memory held for messages still being assembled (those that arrive
  // in more than one read), over all connections. The connection whose message takes the total
  // over it is closed with 1013 (Try Again Later). Checked after each read, so one read's growth
  // may pass it. 0: no bound beyond session.max_message_size per connection.
  std::size_t max_message_memory = 256u << 20;
  // With TLS: connections accepted whose TLS handshake is not done yet (about 84 KB each). At the
  // bound the server stops accepting until one ends (each is bounded by session.handshake_timeout);
  // the kernel's backlog holds the rest. Plain-text connections are not counted. 0: no bound.
  std::size_t max_tls_handshakes = 512;
};

class server {
 public:
  explicit server(server_options options = {});
  ~server();  // stop()
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Route by path (the target without its query). Unknown paths are refused with 404.
  server& route(std::string path, websock::route r);
  // Plain HTTP requests, tried before the static directory; return nullopt to pass.
  server& on_http(std::function<std::optional<http_response>(const http_request&)> handler);

  // Binds "127.0.0.1", "::1", "0.0.0.0", "::" or a host name; port 0 picks a free port.
  std::error_code try_listen(const std::string& host, std::uint16_t port);
  std::error_code try_listen_unix(const std::string& path);
  void listen(const std::string& host, std::uint16_t port);  // throws std::system_error
  void listen_unix(const std::string& path);                 // throws std::system_error
  // The bound port of the first TCP listener (0 if none).
  std::uint16_t port() const noexcept;

  // Starts the worker threads and returns. Throws std::system_error if TLS set-up fails.
  void start();
  // start(), then blocks until stop() is called (from another thread or a callback).
  void run();
  // Graceful: stops accepting, closes every connection with 1001, waits for the close
  // handshakes up to the close timeout, drops what remains, and joins the threads. Idempotent.
  void stop();

  std::size_t connection_count() const noexcept;

  struct state;  // the implementation's

 private:
  std::shared_ptr<state> state_;
};

}  // namespace websock
