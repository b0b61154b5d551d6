// A self-check of the protocol core that needs no network: a client engine and a server engine
// complete the opening handshake and exchange messages through memory.
#include "self_check.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "websock/core/connection.hpp"
#include "websock/core/handshake.hpp"

namespace core = websock::core;

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  std::printf("  [%s] %s\n", ok ? " ok " : "FAIL", what);
  if (!ok) ++failures;
}

// Moves the outbox of `from` into `to` and returns the events `to` reports.
std::vector<core::event> pump(core::connection& from, core::connection& to,
                              std::vector<std::string>& texts) {
  std::vector<std::byte> wire(from.pending_output().begin(), from.pending_output().end());
  from.consume_output(wire.size());
  std::vector<core::event> events;
  std::span<std::byte> rest{wire};
  for (;;) {
    auto r = to.receive(rest);
    rest = rest.subspan(r.consumed);
    if (r.ev.type == core::event_type::none) break;
    if (r.ev.type == core::event_type::message) texts.emplace_back(r.ev.text());
    events.push_back(r.ev);
  }
  return events;
}

}  // namespace

int run_self_check() {
  std::printf("websock core self-check\n");
  check(core::compute_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
        "RFC 6455 1.3 accept key");

  core::client_handshake client_hs({.host = "localhost:8080", .target = "/echo", .subprotocols = {"chat"}});
  core::server_handshake server_hs({.select_subprotocol = [](const core::upgrade_request& r) {
    return r.subprotocols.empty() ? std::string{} : r.subprotocols.front();
  }});
  server_hs.feed(client_hs.request());
  check(server_hs.accepted(), "server accepts the client's upgrade request");
  client_hs.feed(server_hs.response());
  check(client_hs.done() && client_hs.error() == core::errc::ok, "client accepts the 101 response");
  check(client_hs.result().subprotocol == "chat", "subprotocol negotiated");

  core::connection client({.endpoint_role = core::role::client});
  core::connection server({.endpoint_role = core::role::server});
  std::vector<std::string> texts;

  client.send("hello, websock");
  auto events = pump(client, server, texts);
  check(events.size() == 1 && texts.back() == "hello, websock", "masked client text reaches server");
  server.send(core::message_kind::text, core::connection::as_bytes(texts.back()));
  events = pump(server, client, texts);
  check(events.size() == 1 && texts.back() == "hello, websock", "server echo reaches client");

  client.send_fragment(core::message_kind::text, core::connection::as_bytes("frag"), false);
  client.send_ping(core::connection::as_bytes("p"));
  client.send_fragment(core::message_kind::text, core::connection::as_bytes("mented"), true);
  events = pump(client, server, texts);
  check(events.size() == 2 && events[0].type == core::event_type::ping && texts.back() == "fragmented",
        "fragmented message with an interleaved ping");
  events = pump(server, client, texts);
  check(events.size() == 1 && events[0].type == core::event_type::pong, "automatic pong");

  const std::byte bad[] = {std::byte{0xC0}, std::byte{0xAF}};
  client.send(core::message_kind::text, bad);
  events = pump(client, server, texts);
  check(events.size() == 1 && events[0].type == core::event_type::error && events[0].code == 1007,
        "invalid UTF-8 fails the connection with 1007");
  events = pump(server, client, texts);
  check(events.size() == 1 && events[0].type == core::event_type::close && events[0].code == 1007,
        "client sees the server's 1007 close");

  std::printf("%s: %d failure(s)\n", failures == 0 ? "PASSED" : "FAILED", failures);
  return failures == 0 ? 0 : 1;
}
