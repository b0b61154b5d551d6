// `websock serve`: /echo, a broadcast /chat, and the demo page at /, until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "commands.hpp"
#include "demo_page.hpp"
#include "log.hpp"
#include "log_limiter.hpp"
#include "websock/core/log_escape.hpp"
#include "websock/websock.hpp"

namespace cli {
namespace {

// Echoes at least this large are sent from the received buffer (connection::send(kind, shared_bytes)).
constexpr std::size_t echo_share_from = 4096;

using websock::core::escape_for_log;

// The address comes escaped from the library; the target is the peer's (up to 8 KiB).
std::string describe(const websock::connection& c) {
  std::string d = "#";  // appended, not operator+: GCC 12 warns falsely (-Wrestrict) on "lit" + string
  return d.append(std::to_string(c.id())).append(" ").append(c.remote_address()).append(" ").append(escape_for_log(c.target()));
}

// A chat member may fall this far behind before it is closed; chat messages are small.
websock::session_options chat_session(websock::session_options o) {
  o.max_message_size = 64 * 1024;
  o.max_buffered_bytes = 1024 * 1024;
  o.on_buffer_full = websock::backpressure_policy::close_connection;
  return o;
}

// Every /chat message goes to everyone in the room, the sender included. A member that stops
// reading is not skipped silently (issue 9 defect 5): the route's close_connection policy closes
// it with 1008 at its first refused message, and that is logged once (the refusals racing the
// close are counted by the limiter, not logged one by one: issue 9 defect 4).
class chat_room {
 public:
  explicit chat_room(log_limiter& limiter) : limiter_(limiter) {}
  void join(const websock::connection& c) {
    std::lock_guard lock(mu_);
    members_.push_back(c);
  }
  void leave(const websock::connection& c) {
    std::lock_guard lock(mu_);
    std::erase(members_, c);
  }
  void broadcast(const websock::message& m) {
    std::vector<websock::connection> to;
    {
      std::lock_guard lock(mu_);
      to = members_;
    }
    for (const auto& c : to) {
      if (c.send(m.kind, m.data) == websock::errc::buffer_full) {
        static constexpr std::string_view slow = "chat: send buffer full, closing with 1008";
        limiter_.note(websock::log_level::warning, c.id(), slow, [&] { return describe(c).append(" ").append(slow); });
      }
    }
  }

 private:
  log_limiter& limiter_;
  std::mutex mu_;
  std::vector<websock::connection> members_;
};

// Open and close lines for every connection of a route; peer bytes in them are escaped.
websock::handlers logged(websock::handlers h, log_limiter& limiter) {
  auto open = std::move(h.on_open);
  h.on_open = [open](websock::connection& c) {
    std::string line = "open " + describe(c);
    if (!c.subprotocol().empty()) line += " (" + escape_for_log(c.subprotocol()) + ")";
    if (const auto d = c.deflate()) line += " " + websock::core::describe(*d);
    log(websock::log_level::info, line);
    if (open) open(c);
  };
  auto close = std::move(h.on_close);
  h.on_close = [close, &limiter](websock::connection& c, const websock::close_info& i) {
    std::string line = "close " + describe(c) + " " + std::to_string(i.code);
    if (!i.reason.empty()) line += " \"" + escape_for_log(i.reason) + "\"";  // the peer's, up to 123 bytes
    if (i.error) line += " (" + escape_for_log(i.error.message()) + ")";
    log(websock::log_level::info, line);
    limiter.end(c.id());  // what the limiter still counts for it, after its close line
    if (close) close(c, i);
  };
  return h;
}

}  // namespace

int serve(const serve_args& a) {
  websock::server_options o;
  o.threads = a.threads;
  o.static_dir = a.static_dir;
  o.logger = [](websock::log_level level, std::string_view text) { log(level, text); };
  o.session.deflate.enabled = a.deflate;
  o.session.deflate.server_no_context_takeover = a.deflate_no_context_takeover;
  o.session.deflate.client_no_context_takeover = a.deflate_no_context_takeover;
  o.session.deflate.server_max_window_bits = static_cast<std::uint8_t>(a.deflate_window_bits);
  o.session.deflate.client_max_window_bits = static_cast<std::uint8_t>(a.deflate_window_bits);
  o.session.deflate.memory_level = a.deflate_memory_level;
  o.session.deflate.min_compress_size = a.deflate_min_size;
  if (!a.tls_cert.empty() || !a.tls_key.empty()) {
    if (a.tls_cert.empty() || a.tls_key.empty()) {
      std::fprintf(stderr, "websock: --tls-cert and --tls-key go together\n");
      return 2;
    }
    o.tls = websock::tls_server_options{a.tls_cert, a.tls_key};
  }
  // Signals are taken by sigwait below; block them before the worker threads inherit the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Declared before the server, whose callbacks use them until it stops.
  log_limiter limiter(websock::clock::steady(), [](websock::log_level level, std::string_view text) { log(level, text); });
  chat_room room(limiter);
  websock::server srv(o);
  srv.route("/echo", {.callbacks = logged({.on_message = [](websock::connection& c, const websock::message& m) {
                        if (websock::log_level::debug >= log_threshold()) {  // no formatting on the hot path
                          log(websock::log_level::debug, describe(c) + " message " + std::to_string(m.data.size()) + " B");
                        }
                        // The reply always finds room (delivery pauses while the send buffer is
                        // over half full); a send that fails all the same ends the connection
                        // with a code rather than losing the echo.
                        // A large message goes back without a copy (its assembly buffer is
                        // handed over and written after the header); a small one is cheaper
                        // copied into the outbox, where it shares one write with the others.
                        const auto ec = m.data.size() >= echo_share_from ? c.send(m.kind, m.share())
                                                                         : c.send(m.kind, m.data);
                        if (ec && ec != websock::errc::not_open) {
                          c.close(websock::close_code::internal_error, "echo failed");
                        }
                      }}, limiter)});
  srv.route("/chat", {.callbacks = logged({.on_open = [&room](websock::connection& c) { room.join(c); },
                                           .on_message = [&room](websock::connection&, const websock::message& m) {
                                             room.broadcast(m);
                                           },
                                           .on_close = [&room](websock::connection& c, const websock::close_info&) {
                                             room.leave(c);
                                           }}, limiter),
                      .session = chat_session(o.session)});
  // The demo page, unless a static directory provides its own index.
  const bool own_index = !a.static_dir.empty();
  srv.on_http([own_index](const websock::http_request& r) -> std::optional<websock::http_response> {
    if (r.path == "/demo" || (!own_index && (r.path == "/" || r.path == "/index.html"))) {
      if (r.method != "GET" && r.method != "HEAD") {  // RFC 9110 15.5.6: say which methods work
        return websock::http_response{.status = 405, .body = "method not allowed\n", .headers = {{"Allow", "GET, HEAD"}}};
      }
      return websock::http_response{.content_type = "text/html; charset=utf-8", .body = std::string(demo_page())};
    }
    return std::nullopt;
  });
  try {
    if (!a.unix_path.empty()) {
      srv.listen_unix(a.unix_path);
    } else {
      srv.listen(a.host, a.port);
    }
    srv.start();
  } catch (const std::system_error& e) {
    std::fprintf(stderr, "websock: %s: %s\n", e.what(), e.code().message().c_str());
    return 1;
  }
  if (a.unix_path.empty()) {
    const bool v6 = a.host.find(':') != std::string::npos;
    const std::string host = v6 ? "[" + a.host + "]" : a.host;
    const std::string authority = host + ":" + std::to_string(srv.port());
    const char* s = o.tls ? "s" : "";
    std::printf("websock: serving http%s://%s/  (echo: ws%s://%s/echo, chat: ws%s://%s/chat)\n", s,
                authority.c_str(), s, authority.c_str(), s, authority.c_str());
  } else {
    std::printf("websock: serving on unix:%s  (echo: /echo, chat: /chat)\n", a.unix_path.c_str());
  }
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  log(websock::log_level::info, std::string("shutting down (") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ")");
  srv.stop();
  return 0;
}

}  // namespace cli
