// The websock server that the interop tests drive with clients nobody here wrote (Python
// `websockets`, Node `ws`). Built on the public API only.
//
//   interop_server [--host 127.0.0.1] [--tls-cert CERT --tls-key KEY]
//
// Listens on a free port, prints "PORT <n>" on stdout, and serves until stdin reaches EOF or
// SIGTERM/SIGINT arrives (so it never outlives the runner that started it). Routes:
//   /echo     echoes every message with its kind; subprotocols "websock.v2", "websock.v1" (that
//             preference order)
//   /cmd      text commands, answered on the same connection:
//               "close <code> [reason]"  the server starts the close handshake
//               "ping <payload>"         the server pings; when the pong arrives it sends
//                                        "pong <payload>"
//               "closed <target>"        "<code> <reason>" of the last connection to <target> that
//                                        ended (as our on_close saw it), or "none"
//               "pinged <target>"        the payloads of the pings that connection received,
//                                        each in [brackets], or "none"
//               "subprotocol"            the subprotocol chosen for this connection
//   /reject   every upgrade is refused with 403
//   GET /     a blank HTML page (an origin for the browser tests)
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <unistd.h>

#include "websock/server.hpp"

namespace {

std::mutex mu;
std::map<std::string, std::string> closes;  // target -> "<code> <reason>"
std::map<std::string, std::string> pings;   // target -> "[payload][payload]..."

std::string lookup(const std::map<std::string, std::string>& m, const std::string& key) {
  std::lock_guard lock(mu);
  auto it = m.find(key);
  return it == m.end() ? std::string("none") : it->second;
}

std::span<const std::byte> bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

void record_close(websock::connection& c, const websock::close_info& info) {
  std::string line = std::to_string(info.code) + " " + info.reason;
  {
    std::lock_guard lock(mu);
    closes[c.target()] = line;
  }
  std::printf("CLOSE %s %s\n", c.target().c_str(), line.c_str());
  std::fflush(stdout);
}

void record_ping(websock::connection& c, std::span<const std::byte> payload) {
  std::string p(reinterpret_cast<const char*>(payload.data()), payload.size());
  std::lock_guard lock(mu);
  pings[c.target()] += "[" + p + "]";
}

void command(websock::connection& c, std::string_view cmd) {
  auto word = cmd.substr(0, cmd.find(' '));
  std::string_view rest = cmd.size() > word.size() ? cmd.substr(word.size() + 1) : std::string_view{};
  if (word == "close") {
    auto sp = rest.find(' ');
    int code = std::atoi(std::string(rest.substr(0, sp)).c_str());
    // "" rather than std::string_view{}: close(code) with the default (null) reason trips UBSan in
    // core::connection::send_close (memcpy from nullptr, src/core/connection.cpp), which aborts
    // the sanitizer build (a core bug, reported; drop this once send_close guards the memcpy).
    std::string_view reason = sp == std::string_view::npos ? std::string_view("") : rest.substr(sp + 1);
    if (auto ec = c.close(static_cast<std::uint16_t>(code), reason)) c.send_text("error " + ec.message());
  } else if (word == "ping") {
    if (auto ec = c.ping(bytes(rest))) c.send_text("error " + ec.message());
  } else if (word == "closed") {
    c.send_text(lookup(closes, std::string(rest)));
  } else if (word == "pinged") {
    c.send_text(lookup(pings, std::string(rest)));
  } else if (word == "subprotocol") {
    c.send_text(c.subprotocol());
  } else {
    c.send_text("error unknown command");
  }
}

std::atomic<bool> stop_requested{false};
void on_signal(int) { stop_requested = true; }

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1", cert, key;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--host") host = argv[i + 1];
    else if (a == "--tls-cert") cert = argv[i + 1];
    else if (a == "--tls-key") key = argv[i + 1];
    else {
      std::fprintf(stderr, "interop_server: unknown option %s\n", a.c_str());
      return 2;
    }
  }

  websock::server_options opts;
  opts.threads = 2;
  opts.session.max_message_size = 32u << 20;
  if (!cert.empty()) opts.tls = websock::tls_server_options{.cert_file = cert, .key_file = key};
  opts.logger = [](websock::log_level level, std::string_view line) {
    if (level >= websock::log_level::warning) std::fprintf(stderr, "interop_server: %.*s\n", int(line.size()), line.data());
  };
  websock::server srv(opts);

  websock::route echo;
  echo.subprotocols = {"websock.v2", "websock.v1"};
  echo.callbacks.on_message = [](websock::connection& c, const websock::message& m) {
    if (auto ec = c.send(m.kind, m.data)) std::fprintf(stderr, "interop_server: echo failed: %s\n", ec.message().c_str());
  };
  echo.callbacks.on_close = record_close;
  echo.callbacks.on_ping = record_ping;
  srv.route("/echo", echo);

  websock::route cmd;
  cmd.subprotocols = {"websock.v1"};
  cmd.callbacks.on_message = [](websock::connection& c, const websock::message& m) {
    if (!m.is_text()) return (void)c.send_text("error binary command");
    command(c, m.text());
  };
  cmd.callbacks.on_pong = [](websock::connection& c, std::span<const std::byte> payload) {
    c.send_text("pong " + std::string(reinterpret_cast<const char*>(payload.data()), payload.size()));
  };
  cmd.callbacks.on_ping = record_ping;
  cmd.callbacks.on_close = record_close;
  srv.route("/cmd", cmd);

  websock::route reject;
  reject.on_upgrade = [](const websock::upgrade_request&, websock::header_list&) { return 403; };
  srv.route("/reject", reject);

  // A blank page at /, so a browser's WebSocket has a loopback origin (Chromium's Local Network
  // Access checks block loopback from about:blank).
  srv.on_http([](const websock::http_request& req) -> std::optional<websock::http_response> {
    if (req.path != "/") return std::nullopt;
    return websock::http_response{.status = 200, .content_type = "text/html; charset=utf-8",
                                  .body = "<!doctype html><title>interop</title><p>websock interop_server</p>\n", .headers = {}};
  });

  if (auto ec = srv.try_listen(host, 0)) {
    std::fprintf(stderr, "interop_server: listen on %s: %s\n", host.c_str(), ec.message().c_str());
    return 1;
  }
  srv.start();
  std::printf("PORT %u\n", unsigned(srv.port()));
  std::fflush(stdout);

  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  // stdin EOF (the runner went away) also stops us.
  std::thread([] {
    char buf[256];
    while (::read(0, buf, sizeof buf) > 0) {
    }
    stop_requested = true;
  }).detach();
  while (!stop_requested) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  srv.stop();
  return 0;
}
