// The WebSocket client: ws:// and wss:// (verification on by default), HTTP CONNECT proxies,
// optional reconnect with exponential backoff. It runs its own event-loop thread.
//
//   websock::client c;
//   c.callbacks().on_message = [](websock::connection&, const websock::message& m) { ... };
//   websock::connection conn = c.connect_and_wait("ws://127.0.0.1:8080/echo");
//   conn.send_text("hello");
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "websock/clock.hpp"
#include "websock/connection.hpp"
#include "websock/http.hpp"
#include "websock/options.hpp"

namespace websock {

struct reconnect_options {
  bool enabled = false;
  std::chrono::milliseconds initial_delay = 250ms;
  std::chrono::milliseconds max_delay = 30s;
  unsigned max_attempts = 0;  // consecutive failures before giving up; 0: never give up
};

// The subprotocols, headers and URL go through core::check_client_request on connect(): a
// header name that is no token, a value or URL holding CR, LF, NUL or another control, a
// subprotocol that is no token, or a field the handshake writes itself (Host, Upgrade,
// Connection, Sec-WebSocket-*) fails the attempt with that core::errc before anything is
// connected or sent. Spaces, tabs and non-ASCII bytes in the URL's path and query are
// percent-encoded.
struct client_options {
  std::vector<std::string> subprotocols;  // offered, preferred first: tokens, each once
  header_list headers;                    // extra upgrade headers (Origin, Authorization...)
  tls_client_options tls;
  std::string proxy;                      // HTTP CONNECT proxy: "host:port" or "http://host:port"
  session_options session;
  reconnect_options reconnect;
  // The time source of every timer; default: the steady clock. Tests pass a manual_clock.
  std::shared_ptr<const websock::clock> clock;
};

class client {
 public:
  explicit client(client_options options = {});
  ~client();  // stop()
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // Set before connecting. They run on the client's thread.
  handlers& callbacks() noexcept;
  // A connection attempt failed (before on_open): the error and a one-line description, with
  // CR, LF and every other control character the peer may have put in it escaped (\r, \n, \xNN).
  void on_error(std::function<void(std::error_code, const std::string&)> handler);

  // Starts connecting in the background and returns at once: on_open or on_error follows.
  void connect(std::string url);
  // Connects and waits for the handshake. Throws std::system_error with a one-line what().
  connection connect_and_wait(std::string url);
  // Non-throwing variant; `detail` gets the one-line description on failure (as on_error's).
  std::error_code connect_and_wait(std::string url, connection& out, std::string* detail = nullptr);

  // The open connection, or an empty handle.
  connection current() const;
  // Blocks until the connection ended and no reconnect is pending (or the timeout passed).
  // Returns false on timeout.
  bool wait(std::chrono::milliseconds timeout = std::chrono::hours(24 * 365));
  // Stops reconnecting, closes the connection with 1001, waits for the close, joins the thread.
  void stop();

  struct state;  // the implementation's

 private:
  std::shared_ptr<state> state_;
};

}  // namespace websock
