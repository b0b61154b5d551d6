// Our client (the public websock::client API) against servers nobody here wrote: the Python
// `websockets` and Node `ws` servers of py_server.py and node/server.js.
//
//   interop_client BASE_URL [CA_FILE]     e.g. ws://127.0.0.1:PORT or wss://127.0.0.1:PORT ca.pem
//
// Runs every case, prints one line per case and "N passed, N failed"; exits 1 if any failed.
// Sends happen on this (main) thread, not the client's: the API's cross-thread path.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "websock/client.hpp"
#include "websock/error.hpp"

namespace {

using namespace std::chrono_literals;

std::string g_base;
std::string g_ca;

struct failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#define CHECK(cond, msg)                                                                        \
  do {                                                                                          \
    if (!(cond)) throw failure(std::string(msg) + "  [" #cond "]");                             \
  } while (0)

std::span<const std::byte> bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

struct event {
  enum kind_t { message, ping, pong, close } type;
  websock::message_kind kind = websock::message_kind::binary;
  std::string data;
  websock::close_info info;
};

const char* type_name(event::kind_t t) {
  switch (t) {
    case event::message: return "message";
    case event::ping: return "ping";
    case event::pong: return "pong";
    case event::close: return "close";
  }
  return "?";
}

// One client with one connection; its callbacks feed a queue the case reads from.
class peer {
 public:
  explicit peer(const std::string& path, std::vector<std::string> subprotocols = {}) : client_(options(subprotocols)) {
    auto& h = client_.callbacks();
    h.on_message = [this](websock::connection&, const websock::message& m) {
      push({event::message, m.kind, std::string(reinterpret_cast<const char*>(m.data.data()), m.data.size()), {}});
    };
    h.on_ping = [this](websock::connection&, std::span<const std::byte> p) {
      push({event::ping, {}, std::string(reinterpret_cast<const char*>(p.data()), p.size()), {}});
    };
    h.on_pong = [this](websock::connection&, std::span<const std::byte> p) {
      push({event::pong, {}, std::string(reinterpret_cast<const char*>(p.data()), p.size()), {}});
    };
    h.on_close = [this](websock::connection&, const websock::close_info& info) { push({event::close, {}, {}, info}); };
    std::string detail;
    auto ec = client_.connect_and_wait(g_base + path, conn_, &detail);
    if (ec) throw failure("connect " + path + ": " + ec.message() + " (" + detail + ")");
  }
  ~peer() { client_.stop(); }

  static websock::client_options options(std::vector<std::string> subprotocols) {
    websock::client_options o;
    o.subprotocols = std::move(subprotocols);
    o.session.max_message_size = 32u << 20;
    o.session.close_timeout = 5s;
    if (!g_ca.empty()) o.tls.ca_file = g_ca;
    return o;
  }

  websock::connection& conn() { return conn_; }

  event next(std::chrono::milliseconds timeout = 30s) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !q_.empty(); })) throw failure("no event within the timeout");
    event e = std::move(q_.front());
    q_.pop_front();
    return e;
  }
  // The next event that is not a ping (pings are answered by the library).
  event next_not_ping(std::chrono::milliseconds timeout = 30s) {
    for (;;) {
      event e = next(timeout);
      if (e.type != event::ping) return e;
    }
  }
  std::string next_text(std::chrono::milliseconds timeout = 30s) {
    event e = next_not_ping(timeout);
    CHECK(e.type == event::message, std::string("expected a message, got ") + type_name(e.type) + " " +
                                        std::to_string(e.info.code) + " " + e.info.reason);
    CHECK(e.kind == websock::message_kind::text, "expected a text message");
    return e.data;
  }
  std::string command(const std::string& cmd) {
    auto ec = conn_.send_text(cmd);
    CHECK(!ec, "send " + cmd + ": " + ec.message());
    return next_text();
  }
  websock::close_info close_and_wait(std::uint16_t code, const std::string& reason) {
    auto ec = conn_.close(code, reason);
    CHECK(!ec, "close: " + ec.message());
    for (;;) {
      event e = next(15s);
      if (e.type == event::close) return e.info;
    }
  }

 private:
  void push(event e) {
    {
      std::lock_guard lock(mu_);
      q_.push_back(std::move(e));
    }
    cv_.notify_all();
  }

  websock::client client_;
  websock::connection conn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<event> q_;
};

std::mt19937 rng(6455);

// prefix + i (spelled out: GCC 12's -Wrestrict misfires on "literal" + std::to_string()).
std::string tag(const char* prefix, int i) {
  std::string s(prefix);
  s += std::to_string(i);
  return s;
}

std::string random_binary(std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

// Exactly n bytes of UTF-8 mixing 1- to 4-byte sequences.
std::string random_text(std::size_t n) {
  static const char* chunks[] = {"a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  std::string s;
  s.reserve(n);
  while (s.size() < n) {
    const char* c = chunks[rng() % 4];
    if (s.size() + std::strlen(c) > n) c = "z";
    s += c;
  }
  return s;
}

const std::size_t sizes[] = {0, 1, 125, 126, 127, 65535, 65536, 65537, 1u << 20, 16u << 20};

void echo_sizes(websock::message_kind kind, const std::string& path) {
  peer p(path);
  for (std::size_t n : sizes) {
    std::string msg = kind == websock::message_kind::text ? random_text(n) : random_binary(n);
    auto ec = p.conn().send(kind, bytes(msg));
    CHECK(!ec, std::to_string(n) + " B send: " + ec.message());
    event e = p.next_not_ping(60s);
    CHECK(e.type == event::message, std::to_string(n) + " B: expected the echo, got " + type_name(e.type) + " " +
                                        std::to_string(e.info.code) + " " + e.info.reason);
    CHECK(e.kind == kind, std::to_string(n) + " B: the echo has the other kind");
    CHECK(e.data == msg, std::to_string(n) + " B: the echo differs (" + std::to_string(e.data.size()) + " B)");
  }
  auto info = p.close_and_wait(1000, "");
  CHECK(info.code == 1000, "closing: peer answered " + std::to_string(info.code));
}

void case_text_sizes() { echo_sizes(websock::message_kind::text, "/echo"); }
void case_binary_sizes() { echo_sizes(websock::message_kind::binary, "/echo"); }
// The peer sends every echo as 7 fragments (the Node peer splits UTF-8 sequences between them).
void case_fragmented_text_from_peer() { echo_sizes(websock::message_kind::text, "/fragecho?n=7"); }
void case_fragmented_binary_from_peer() { echo_sizes(websock::message_kind::binary, "/fragecho?n=7"); }

void case_pipelined_small() {
  peer p("/echo");
  for (int i = 0; i < 2000; ++i) CHECK(!p.conn().send_text(tag("m", i)), "send");
  for (int i = 0; i < 2000; ++i) CHECK(p.next_text() == tag("m", i), "echo " + std::to_string(i) + " differs");
  p.close_and_wait(1000, "");
}

void case_client_ping() {
  peer p("/echo");
  std::string big(125, 'x');
  for (std::string payload : {std::string(), std::string("hello"), big}) {
    CHECK(!p.conn().ping(bytes(payload)), "ping");
    event e = p.next(10s);
    CHECK(e.type == event::pong, std::string("expected a pong, got ") + type_name(e.type));
    CHECK(e.data == payload, "pong payload differs: '" + e.data + "'");
  }
  CHECK(p.conn().ping(bytes(std::string(126, 'x'))), "a 126-byte ping must be refused");
  p.close_and_wait(1000, "");
}

void case_peer_ping() {
  peer p("/cmd");
  CHECK(!p.conn().send_text("ping are-you-there"), "send");
  event e = p.next(10s);
  CHECK(e.type == event::ping && e.data == "are-you-there", std::string("on_ping: got ") + type_name(e.type) + " " + e.data);
  // The library answered with a pong by itself; the peer says so.
  std::string r = p.next_text(10s);
  CHECK(r == "pong are-you-there", "peer: " + r);
  p.close_and_wait(1000, "");
}

struct code_reason {
  std::uint16_t code;
  std::string reason;
};

void case_client_close_codes() {
  const code_reason cases[] = {{1000, ""}, {1000, "bye"}, {1001, "going away"}, {3000, "registered"},
                               {4000, "private \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}, {4999, std::string(123, 'r')},
                               {1005, ""}};  // close(1005, "") sends a close frame with no body
  int i = 0;
  for (const auto& c : cases) {
    std::string target = "/echo?close=" + std::to_string(i++);
    {
      peer p(target);
      auto info = p.close_and_wait(c.code, c.reason);
      CHECK(info.code == c.code, "close " + std::to_string(c.code) + ": peer answered " + std::to_string(info.code));
      CHECK(info.clean(), "close " + std::to_string(c.code) + ": not a clean close: " + info.error.message());
    }
    peer q("/cmd");
    std::string seen;
    for (int tries = 0; tries < 100; ++tries) {
      seen = q.command("closed " + target);
      if (seen != "none") break;
      std::this_thread::sleep_for(50ms);
    }
    CHECK(seen == std::to_string(c.code) + " " + c.reason, "close " + std::to_string(c.code) + ": the peer saw '" + seen + "'");
    q.close_and_wait(1000, "");
  }
  // Codes that may not be sent are refused by the API.
  peer p("/echo");
  for (std::uint16_t bad : std::initializer_list<std::uint16_t>{1006, 1015, 999, 1004, 2999, 5000})
    CHECK(p.conn().close(bad, "") != std::error_code{}, "close(" + std::to_string(bad) + ") must be refused");
  CHECK(p.conn().close(1005, "why") != std::error_code{}, "close(1005) with a reason must be refused");
  CHECK(p.conn().close(1000, std::string(124, 'r')) != std::error_code{}, "a 124-byte close reason must be refused");
  CHECK(p.conn().is_open(), "refused closes must leave the connection open");
  p.close_and_wait(1000, "");
}

void case_peer_close_codes() {
  const code_reason cases[] = {{1000, ""}, {1000, "done"}, {1001, "shutting down"}, {1008, "policy"},
                               {1011, "oops"}, {4001, "app \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"}, {3999, std::string(123, 'r')}};
  for (const auto& c : cases) {
    peer p("/cmd");
    CHECK(!p.conn().send_text("close " + std::to_string(c.code) + (c.reason.empty() ? "" : " " + c.reason)), "send");
    event e = p.next_not_ping(10s);
    CHECK(e.type == event::close, std::string("peer close: expected on_close, got ") + type_name(e.type));
    CHECK(e.info.code == c.code, "peer close " + std::to_string(c.code) + ": saw " + std::to_string(e.info.code));
    CHECK(e.info.reason == c.reason, "peer close " + std::to_string(c.code) + ": saw reason '" + e.info.reason + "'");
    CHECK(e.info.clean(), "peer close " + std::to_string(c.code) + ": not clean: " + e.info.error.message());
    CHECK(!p.conn().is_open(), "still open after on_close");
    CHECK(p.conn().send_text("late") != std::error_code{}, "a send after the close must fail");
  }
}

void case_subprotocols() {
  struct sp_case {
    std::vector<std::string> offer;
    std::string want;
  };
  const sp_case cases[] = {{{"websock.v1"}, "websock.v1"},
                           {{"websock.v2"}, "websock.v2"},
                           {{"other", "websock.v1"}, "websock.v1"},
                           {{}, ""},
                           {{"unknown"}, ""}};
  for (const auto& c : cases) {
    peer p("/cmd", c.offer);
    CHECK(p.conn().subprotocol() == c.want, "offered " + std::to_string(c.offer.size()) + ": got '" + p.conn().subprotocol() + "'");
    CHECK(p.command("subprotocol") == c.want, "the peer's view of the subprotocol differs");
    p.close_and_wait(1000, "");
  }
  // Offering both: the peer chooses; it must be one of ours.
  peer p("/cmd", {"websock.v1", "websock.v2"});
  CHECK(p.conn().subprotocol() == "websock.v1" || p.conn().subprotocol() == "websock.v2", "v1,v2: got '" + p.conn().subprotocol() + "'");
  p.close_and_wait(1000, "");
}

void case_refused_upgrade() {
  websock::client c(peer::options({}));
  websock::connection conn;
  std::string detail;
  auto ec = c.connect_and_wait(g_base + "/reject", conn, &detail);
  CHECK(ec == websock::errc::upgrade_rejected, "expected upgrade_rejected, got '" + ec.message() + "' (" + detail + ")");
  CHECK(detail.find("403") != std::string::npos, "the one-line reason should name the status 403: '" + detail + "'");
  CHECK(!conn.valid() || !conn.is_open(), "no open connection after a refusal");
}

void case_invalid_utf8_from_peer() {
  peer p("/cmd");
  CHECK(!p.conn().send_text("badutf8"), "send");
  event e = p.next_not_ping(10s);
  CHECK(e.type == event::close, std::string("invalid UTF-8 text must not be delivered; got ") + type_name(e.type));
  CHECK(e.info.code == 1007 || e.info.error, "expected 1007 (or an error), got " + std::to_string(e.info.code));
}

void case_many_connections() {
  std::vector<std::unique_ptr<peer>> ps;
  for (int i = 0; i < 50; ++i) ps.push_back(std::make_unique<peer>("/echo"));
  for (int i = 0; i < 50; ++i) CHECK(!ps[i]->conn().send_text(tag("c", i)), "send");
  for (int i = 0; i < 50; ++i) CHECK(ps[i]->next_text() == tag("c", i), "connection " + std::to_string(i));
  for (auto& p : ps) CHECK(!p->conn().close(1000, ""), "close");
  for (auto& p : ps) {
    for (;;) {
      event e = p->next(15s);
      if (e.type == event::close) {
        CHECK(e.info.code == 1000, "closed with " + std::to_string(e.info.code));
        break;
      }
    }
  }
}

void case_wrong_ca_refused() {
  if (g_base.rfind("wss:", 0) != 0) return;  // wss only
  // Verification is on by default: without our CA the test certificate must be refused.
  websock::client_options o = peer::options({});
  o.tls.ca_file.clear();
  websock::client c(o);
  websock::connection conn;
  std::string detail;
  auto ec = c.connect_and_wait(g_base + "/echo", conn, &detail);
  CHECK(ec, "a certificate from an unknown CA was accepted");
  // ... and with our CA but another name, too.
  websock::client_options o2 = peer::options({});
  o2.tls.server_name = "not-this-host.example";
  websock::client c2(o2);
  ec = c2.connect_and_wait(g_base + "/echo", conn, &detail);
  CHECK(ec, "a certificate for another host name was accepted");
}

struct named_case {
  const char* name;
  void (*fn)();
};

const named_case all_cases[] = {
    {"text_sizes", case_text_sizes},
    {"binary_sizes", case_binary_sizes},
    {"fragmented_text_from_peer", case_fragmented_text_from_peer},
    {"fragmented_binary_from_peer", case_fragmented_binary_from_peer},
    {"pipelined_small", case_pipelined_small},
    {"client_ping", case_client_ping},
    {"peer_ping", case_peer_ping},
    {"client_close_codes", case_client_close_codes},
    {"peer_close_codes", case_peer_close_codes},
    {"subprotocols", case_subprotocols},
    {"refused_upgrade", case_refused_upgrade},
    {"invalid_utf8_from_peer", case_invalid_utf8_from_peer},
    {"many_connections", case_many_connections},
    {"wrong_ca_refused", case_wrong_ca_refused},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: interop_client BASE_URL [CA_FILE]\n");
    return 2;
  }
  g_base = argv[1];
  if (argc > 2) g_ca = argv[2];
  const char* only = std::getenv("INTEROP_CASE");
  int passed = 0, failed = 0;
  for (const auto& c : all_cases) {
    if (only && std::strcmp(only, c.name) != 0) continue;
    auto t0 = std::chrono::steady_clock::now();
    try {
      c.fn();
      ++passed;
      std::printf("ok   %s (%.2fs)\n", c.name,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    } catch (const std::exception& e) {
      ++failed;
      std::printf("FAIL %s: %s\n", c.name, e.what());
    }
    std::fflush(stdout);
  }
  std::printf("websock client vs %s: %d passed, %d failed\n", g_base.c_str(), passed, failed);
  return failed ? 1 : 0;
}
