// The opening handshake, both roles (RFC 6455 section 4).
#include "websock/core/handshake.hpp"

#include <gtest/gtest.h>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;

// 16 bytes 00 01 .. 0f, base64.
constexpr std::string_view counting_key = "AAECAwQFBgcICQoLDA0ODw==";

std::string header_value(const core::header_list& h, std::string_view name) {
  const auto* f = core::find_header(h, name);
  return f ? f->value : std::string("<absent>");
}

// Parses a response produced by the server side: a head, and for refusals a body of exactly
// Content-Length bytes.
core::http_head parse_response(std::string_view text) {
  core::http_parser p(core::http_kind::response);
  const std::size_t head = p.feed(text);
  EXPECT_TRUE(p.done()) << text;
  const auto* length = core::find_header(p.head().headers, "Content-Length");
  const std::size_t body = length ? std::stoul(length->value) : 0;
  EXPECT_EQ(head + body, text.size()) << text;
  return p.head();
}

std::string request_with(std::string_view first_line, const core::header_list& headers) {
  std::string out(first_line);
  out += "\r\n";
  core::append_headers(out, headers);
  out += "\r\n";
  return out;
}

core::header_list good_request_headers() {
  return {{"Host", "server.example.com"},
          {"Upgrade", "websocket"},
          {"Connection", "Upgrade"},
          {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
          {"Origin", "http://example.com"},
          {"Sec-WebSocket-Protocol", "chat, superchat"},
          {"Sec-WebSocket-Version", "13"}};
}

core::header_list replace(core::header_list h, std::string_view name, std::string value) {
  for (auto& f : h) {
    if (core::iequals(f.name, name)) f.value = std::move(value);
  }
  return h;
}

core::header_list without(core::header_list h, std::string_view name) {
  std::erase_if(h, [&](const core::http_header& f) { return core::iequals(f.name, name); });
  return h;
}

// ================================================================= keys

TEST(handshake, rfc_1_3_accept_key) {
  EXPECT_EQ(core::compute_accept_key("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST(handshake, accept_key_of_another_nonce) {
  // SHA-1("AAECAwQFBgcICQoLDA0ODw==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), base64.
  const auto accept = core::compute_accept_key(counting_key);
  EXPECT_EQ(accept.size(), 28u);
  EXPECT_EQ(accept.back(), '=');
  EXPECT_NE(accept, core::compute_accept_key("dGhlIHNhbXBsZSBub25jZQ=="));
}

TEST(handshake, generated_key_is_base64_of_16_random_bytes) {
  counting_random random;
  EXPECT_EQ(core::generate_key(random.source()), counting_key);
  EXPECT_EQ(random.requested, 16u);
  EXPECT_TRUE(core::is_valid_key(core::generate_key(core::openssl_random())));
  EXPECT_NE(core::generate_key(core::openssl_random()), core::generate_key(core::openssl_random()));
}

TEST(handshake, key_must_decode_to_16_bytes) {
  EXPECT_TRUE(core::is_valid_key("dGhlIHNhbXBsZSBub25jZQ=="));
  EXPECT_TRUE(core::is_valid_key(counting_key));
  EXPECT_TRUE(core::is_valid_key("/+/+/+/+/+/+/+/+/+/+/w=="));
  EXPECT_FALSE(core::is_valid_key(""));
  EXPECT_FALSE(core::is_valid_key("dGhlIHNhbXBsZSBub25jZQ"));        // padding missing
  EXPECT_FALSE(core::is_valid_key("dGhlIHNhbXBsZSBub25j"));          // 15 bytes
  EXPECT_FALSE(core::is_valid_key("dGhlIHNhbXBsZSBub25jZQ=="
                                  "AAAA"));                          // 19 bytes
  EXPECT_FALSE(core::is_valid_key("dGhlIHNhbXBsZSBub25jZXg="));      // 17 bytes
  EXPECT_FALSE(core::is_valid_key("dGhlIHNhbXBsZSBub25jZQ==\r"));
  EXPECT_FALSE(core::is_valid_key("dGhlIHNhbXBsZSBub25j*Q=="));      // not base64
  EXPECT_FALSE(core::is_valid_key("dGhlIHNhbXBsZSBub25jZ==="));
  EXPECT_FALSE(core::is_valid_key("the sample nonce"));             // 16 bytes, not encoded
}

// ================================================================= client

core::client_handshake_options client_opts() {
  core::client_handshake_options o;
  o.host = "server.example.com:8080";
  o.target = "/chat?room=1";
  return o;
}

TEST(handshake, client_request_headers) {
  counting_random random;
  auto o = client_opts();
  o.subprotocols = {"chat", "superchat"};
  o.extensions = {"permessage-deflate; client_max_window_bits"};
  o.extra_headers = {{"Origin", "http://example.com"}, {"Authorization", "Bearer x"}};
  core::client_handshake c(o, random.source());
  EXPECT_EQ(c.key(), counting_key);
  const auto h = c.request_headers();
  ASSERT_FALSE(h.empty());
  EXPECT_EQ(h[0].name, "Host") << "Host first";
  EXPECT_EQ(h[0].value, "server.example.com:8080");
  EXPECT_TRUE(core::has_token(h, "Upgrade", "websocket"));
  EXPECT_TRUE(core::has_token(h, "Connection", "Upgrade"));
  EXPECT_EQ(header_value(h, "Sec-WebSocket-Key"), counting_key);
  EXPECT_EQ(header_value(h, "Sec-WebSocket-Version"), "13");
  EXPECT_EQ(core::header_tokens(h, "Sec-WebSocket-Protocol"),
            (std::vector<std::string_view>{"chat", "superchat"}));
  EXPECT_EQ(core::header_tokens(h, "Sec-WebSocket-Extensions"),
            (std::vector<std::string_view>{"permessage-deflate; client_max_window_bits"}));
  EXPECT_EQ(header_value(h, "Origin"), "http://example.com");
  EXPECT_EQ(header_value(h, "Authorization"), "Bearer x");
  EXPECT_EQ(h[h.size() - 2].name, "Origin") << "extra headers come last";
  EXPECT_EQ(h.back().name, "Authorization");
  for (const char* once : {"Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version"}) {
    EXPECT_EQ(core::count_header(h, once), 1u) << once;
  }
}

TEST(handshake, client_without_offers_sends_no_protocol_or_extension_header) {
  core::client_handshake c(client_opts());
  const auto h = c.request_headers();
  EXPECT_EQ(core::count_header(h, "Sec-WebSocket-Protocol"), 0u);
  EXPECT_EQ(core::count_header(h, "Sec-WebSocket-Extensions"), 0u);
  EXPECT_TRUE(core::is_valid_key(c.key()));
}

TEST(handshake, extra_headers_cannot_override_the_handshake_fields) {
  // Refused rather than dropped, so the caller learns its header never went out.
  for (const core::header_list& extra : {core::header_list{{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}},
                                         core::header_list{{"sec-websocket-version", "8"}}}) {
    auto o = client_opts();
    o.extra_headers = extra;
    core::client_handshake c(o);
    EXPECT_TRUE(c.done());
    EXPECT_EQ(c.error(), errc::reserved_header);
    EXPECT_EQ(c.request(), "");
  }
}

TEST(handshake, client_request_is_a_valid_upgrade_request) {
  counting_random random;
  auto o = client_opts();
  o.subprotocols = {"chat"};
  core::client_handshake c(o, random.source());
  const std::string req = c.request();
  EXPECT_EQ(req.rfind("GET /chat?room=1 HTTP/1.1\r\n", 0), 0u) << req;
  ASSERT_GE(req.size(), 4u);
  EXPECT_EQ(req.substr(req.size() - 4), "\r\n\r\n");
  core::http_parser p(core::http_kind::request);
  EXPECT_EQ(p.feed(req), req.size());
  ASSERT_TRUE(p.done());
  core::upgrade_request ur;
  ASSERT_EQ(core::check_upgrade_request(p.head(), ur), errc::ok);
  EXPECT_EQ(ur.target, "/chat?room=1");
  EXPECT_EQ(ur.host, "server.example.com:8080");
  EXPECT_EQ(ur.key, counting_key);
  EXPECT_EQ(ur.subprotocols, std::vector<std::string>{"chat"});
}

// A 101 response for `key` with extra lines (each "Name: value").
std::string response_101(std::string_view key, std::vector<std::string> extra = {},
                         std::string upgrade = "Upgrade: websocket", std::string connection = "Connection: Upgrade") {
  std::string out = "HTTP/1.1 101 Switching Protocols\r\n" + upgrade + "\r\n" + connection + "\r\n";
  out += "Sec-WebSocket-Accept: " + core::compute_accept_key(key) + "\r\n";
  for (const auto& line : extra) out += line + "\r\n";
  return out + "\r\n";
}

struct client_case {
  core::client_handshake_options options = client_opts();
};

errc client_result(const std::string& response, core::client_handshake_options o = client_opts(),
                   core::negotiated* out = nullptr) {
  counting_random random;
  core::client_handshake c(std::move(o), random.source());
  const std::size_t n = c.feed(response);
  EXPECT_TRUE(c.done()) << response;
  if (c.error() == errc::ok) {
    EXPECT_EQ(n, response.size());
  }
  if (out) *out = c.result();
  return c.error();
}

TEST(handshake, client_accepts_a_correct_101) {
  EXPECT_EQ(client_result(response_101(counting_key)), errc::ok);
}

TEST(handshake, client_accepts_101_fed_byte_by_byte_and_leaves_frame_bytes) {
  counting_random random;
  core::client_handshake c(client_opts(), random.source());
  const std::string response = response_101(counting_key);
  const std::string input = response + "\x81\x05Hello";
  std::size_t taken = 0;
  std::size_t at = 0;
  for (; at < input.size() && !c.done(); ++at) taken += c.feed(std::string_view(input).substr(at, 1));
  EXPECT_TRUE(c.done());
  EXPECT_EQ(c.error(), errc::ok);
  EXPECT_EQ(taken, response.size());
  EXPECT_EQ(at, response.size()) << "done exactly when the head ends";
  EXPECT_EQ(c.response().status, 101);

  core::client_handshake c2(client_opts(), random.source());
  const std::string input2 = response_101(c2.key()) + "\x81\x05Hello";
  EXPECT_EQ(c2.feed(input2), input2.size() - 7);
  EXPECT_EQ(c2.error(), errc::ok);
}

TEST(handshake, client_rejects_non_101_status) {
  std::string ok = response_101(counting_key);
  for (const char* status : {"200 OK", "400 Bad Request", "426 Upgrade Required", "302 Found"}) {
    std::string r = ok;
    r.replace(9, std::string("101 Switching Protocols").size(), status);
    EXPECT_EQ(client_result(r), errc::http_bad_status) << r;
  }
}

// The response with its status line replaced.
std::string with_status_line(std::string_view line) {
  std::string r = response_101(counting_key);
  r.replace(0, r.find("\r\n"), line);
  return r;
}

// RFC 6455 4.1: the request is HTTP/1.1, and only an HTTP/1.1 101 (RFC 9110 15.2.2) switches the
// connection; anything else on the status line fails the handshake.
TEST(handshake, RFC6455_4_1_only_an_http_1_1_101_completes_the_handshake) {
  for (const char* line : {"HTTP/1.0 101 Switching Protocols", "HTTP/2 101 Switching Protocols",
                           "HTTP/2.0 101 Switching Protocols", "HTTP/1.1 101x Switching Protocols",
                           "HTTP/1.1 101x", "HTTP/1.1 200 OK", "HTTP/1.1 1010 Switching Protocols",
                           "HTTP/1.1 10 Switching Protocols", "HTTP/1.1  101 Switching Protocols",
                           "HTTP/1.1 101\tSwitching Protocols", "http/1.1 101 Switching Protocols",
                           " HTTP/1.1 101 Switching Protocols", "HTTP/1.1 101 Switching\x1b[2J"}) {
    EXPECT_NE(client_result(with_status_line(line)), errc::ok) << line;
  }
  EXPECT_EQ(client_result(with_status_line("HTTP/1.1 101 Switching Protocols")), errc::ok);
  EXPECT_EQ(client_result(with_status_line("HTTP/1.1 101")), errc::ok) << "the reason is optional";
  EXPECT_EQ(client_result(with_status_line("HTTP/1.1 101 Whatever")), errc::ok);
  EXPECT_EQ(client_result(with_status_line("HTTP/1.2 101 Switching Protocols")), errc::ok)
      << "a later 1.x is read as 1.1 (RFC 9110 2.5)";
}

TEST(handshake, RFC6455_4_1_each_wrong_status_line_names_its_fault) {
  EXPECT_EQ(client_result(with_status_line("HTTP/1.0 101 Switching Protocols")), errc::http_bad_response_version);
  EXPECT_EQ(client_result(with_status_line("HTTP/2.0 101 Switching Protocols")), errc::http_bad_response_version);
  EXPECT_EQ(client_result(with_status_line("HTTP/2 101 Switching Protocols")), errc::http_malformed);
  EXPECT_EQ(client_result(with_status_line("HTTP/1.1 101x Switching Protocols")), errc::http_malformed);
  EXPECT_EQ(client_result(with_status_line("HTTP/1.1 200 OK")), errc::http_bad_status);
  EXPECT_EQ(client_result(with_status_line("HTTP/1.0 200 OK")), errc::http_bad_status) << "a refusal first";
}

TEST(handshake, client_upgrade_and_connection_are_case_insensitive) {
  EXPECT_EQ(client_result(response_101(counting_key, {}, "Upgrade: WebSocket", "Connection: upgrade")), errc::ok);
  EXPECT_EQ(client_result(response_101(counting_key, {}, "upgrade: WEBSOCKET", "CONNECTION: UPGRADE")), errc::ok);
  EXPECT_EQ(client_result(response_101(counting_key, {}, "Upgrade: websocket", "Connection: keep-alive, Upgrade")), errc::ok);
}

TEST(handshake, client_rejects_missing_or_wrong_upgrade) {
  EXPECT_EQ(client_result(response_101(counting_key, {}, "Upgrade: h2c")), errc::http_bad_upgrade);
  EXPECT_EQ(client_result(response_101(counting_key, {}, "X-Nothing: 1")), errc::http_bad_upgrade);
}

TEST(handshake, client_rejects_missing_or_wrong_connection) {
  EXPECT_EQ(client_result(response_101(counting_key, {}, "Upgrade: websocket", "Connection: keep-alive")),
            errc::http_bad_connection);
  EXPECT_EQ(client_result(response_101(counting_key, {}, "Upgrade: websocket", "X-Nothing: 1")),
            errc::http_bad_connection);
}

TEST(handshake, client_checks_the_accept_key) {
  EXPECT_EQ(client_result(response_101("dGhlIHNhbXBsZSBub25jZQ==")), errc::http_bad_accept);
  const std::string missing =
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
  EXPECT_EQ(client_result(missing), errc::http_bad_accept);
  // The accept value is compared exactly (it is base64, which is case-sensitive).
  std::string lower = response_101(counting_key);
  const auto accept = core::compute_accept_key(counting_key);
  std::string changed = accept;
  for (auto& ch : changed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  ASSERT_NE(changed, accept);
  lower.replace(lower.find(accept), accept.size(), changed);
  EXPECT_EQ(client_result(lower), errc::http_bad_accept);
}

TEST(handshake, client_selected_subprotocol) {
  auto o = client_opts();
  o.subprotocols = {"chat", "superchat"};
  core::negotiated n;
  EXPECT_EQ(client_result(response_101(counting_key, {"Sec-WebSocket-Protocol: superchat"}), o, &n), errc::ok);
  EXPECT_EQ(n.subprotocol, "superchat");
  EXPECT_EQ(client_result(response_101(counting_key), o, &n), errc::ok);
  EXPECT_EQ(n.subprotocol, "") << "the server may pick none";
}

TEST(handshake, client_rejects_unoffered_subprotocol) {
  auto o = client_opts();
  o.subprotocols = {"chat"};
  EXPECT_EQ(client_result(response_101(counting_key, {"Sec-WebSocket-Protocol: mqtt"}), o),
            errc::http_unexpected_subprotocol);
  EXPECT_EQ(client_result(response_101(counting_key, {"Sec-WebSocket-Protocol: chat"})),
            errc::http_unexpected_subprotocol) << "nothing was offered";
  EXPECT_EQ(client_result(response_101(counting_key, {"Sec-WebSocket-Protocol: chat, chat"}), o),
            errc::http_unexpected_subprotocol) << "the server selects one";
}

TEST(handshake, client_accepted_extensions) {
  auto o = client_opts();
  o.extensions = {"permessage-deflate; client_max_window_bits"};
  core::negotiated n;
  EXPECT_EQ(client_result(response_101(counting_key, {"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10"}), o, &n),
            errc::ok);
  ASSERT_EQ(n.extensions.size(), 1u);
  EXPECT_EQ(n.extensions[0], "permessage-deflate; client_max_window_bits=10");
}

TEST(handshake, client_rejects_unoffered_extension) {
  auto o = client_opts();
  o.extensions = {"permessage-deflate"};
  EXPECT_EQ(client_result(response_101(counting_key, {"Sec-WebSocket-Extensions: x-webkit-deflate-frame"}), o),
            errc::http_unexpected_extension);
  EXPECT_EQ(client_result(response_101(counting_key, {"Sec-WebSocket-Extensions: permessage-deflate"})),
            errc::http_unexpected_extension) << "nothing was offered";
}

TEST(handshake, client_check_response_on_header_lists) {
  counting_random random;
  auto o = client_opts();
  o.subprotocols = {"chat"};
  core::client_handshake c(o, random.source());
  core::negotiated n;
  const core::header_list good{{"Upgrade", "websocket"}, {"Connection", "Upgrade"},
                               {"Sec-WebSocket-Accept", core::compute_accept_key(c.key())},
                               {"Sec-WebSocket-Protocol", "chat"}};
  EXPECT_EQ(c.check_response(101, good, n), errc::ok);
  EXPECT_EQ(n.subprotocol, "chat");
  EXPECT_EQ(c.check_response(200, good, n), errc::http_bad_status);
  EXPECT_FALSE(c.done()) << "check_response does not change the handshake's state";
}

TEST(handshake, client_malformed_response) {
  EXPECT_EQ(client_result("HTTP/1.1 101 Switching Protocols\r\nUpgrade websocket\r\n\r\n"), errc::http_malformed);
}

// ================================================================= server

core::server_handshake run_server(const std::string& request, core::server_handshake_options o = {},
                                  std::size_t chunk = 0) {
  core::server_handshake s(std::move(o));
  if (chunk == 0) chunk = request.size();
  std::size_t taken = 0;
  for (std::size_t at = 0; at < request.size() && !s.done(); at += chunk) {
    taken += s.feed(std::string_view(request).substr(at, chunk));
  }
  EXPECT_TRUE(s.done());
  if (s.accepted()) {
    EXPECT_EQ(taken, request.size());
  }
  return s;
}

std::string good_request() { return request_with("GET /chat HTTP/1.1", good_request_headers()); }

TEST(handshake, server_accepts_the_rfc_request) {
  for (std::size_t chunk : {0u, 1u, 7u}) {
    SCOPED_TRACE(chunk);
    auto s = run_server(good_request(), {}, chunk);
    ASSERT_TRUE(s.accepted());
    EXPECT_EQ(s.error(), errc::ok);
    EXPECT_EQ(s.status(), 101);
    const auto head = parse_response(s.response());
    EXPECT_EQ(head.status, 101);
    EXPECT_TRUE(core::has_token(head.headers, "Upgrade", "websocket"));
    EXPECT_TRUE(core::has_token(head.headers, "Connection", "Upgrade"));
    EXPECT_EQ(header_value(head.headers, "Sec-WebSocket-Accept"), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    EXPECT_EQ(core::count_header(head.headers, "Sec-WebSocket-Protocol"), 0u) << "no subprotocol chosen by default";
    EXPECT_EQ(s.request().target, "/chat");
    EXPECT_EQ(s.request().host, "server.example.com");
    EXPECT_EQ(s.request().origin, "http://example.com");
    EXPECT_EQ(s.request().subprotocols, (std::vector<std::string>{"chat", "superchat"}));
  }
}

TEST(handshake, server_leaves_frame_bytes_after_the_request) {
  const std::string req = good_request();
  core::server_handshake s;
  EXPECT_EQ(s.feed(req + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"), req.size());
  EXPECT_TRUE(s.accepted());
}

TEST(handshake, server_requires_get) {
  auto s = run_server(request_with("POST /chat HTTP/1.1", good_request_headers()));
  EXPECT_FALSE(s.accepted());
  EXPECT_EQ(s.error(), errc::http_bad_method);
  EXPECT_EQ(s.status(), 405);
  EXPECT_EQ(parse_response(s.response()).status, 405);
}

TEST(handshake, server_requires_http_1_1) {
  auto s = run_server(request_with("GET /chat HTTP/1.0", good_request_headers()));
  EXPECT_EQ(s.error(), errc::http_bad_version);
  EXPECT_EQ(s.status(), 400);
  EXPECT_TRUE(run_server(request_with("GET /chat HTTP/2.0", good_request_headers())).accepted())
      << "HTTP/1.1 or later";
}

TEST(handshake, server_requires_host) {
  auto s = run_server(request_with("GET /chat HTTP/1.1", without(good_request_headers(), "Host")));
  EXPECT_EQ(s.error(), errc::http_missing_host);
  EXPECT_EQ(s.status(), 400);
  EXPECT_EQ(parse_response(s.response()).status, 400);
}

TEST(handshake, server_requires_upgrade_websocket) {
  auto s = run_server(request_with("GET /chat HTTP/1.1", without(good_request_headers(), "Upgrade")));
  EXPECT_EQ(s.error(), errc::http_bad_upgrade);
  EXPECT_EQ(s.status(), 400);
  auto s2 = run_server(request_with("GET /chat HTTP/1.1", replace(good_request_headers(), "Upgrade", "h2c")));
  EXPECT_EQ(s2.error(), errc::http_bad_upgrade);
}

TEST(handshake, server_requires_connection_upgrade) {
  auto s = run_server(request_with("GET /chat HTTP/1.1", replace(good_request_headers(), "Connection", "keep-alive")));
  EXPECT_EQ(s.error(), errc::http_bad_connection);
  EXPECT_EQ(s.status(), 400);
}

TEST(handshake, server_refuses_two_host_headers) {
  auto h = good_request_headers();
  h.push_back({"Host", "other.example.com"});
  auto s = run_server(request_with("GET /chat HTTP/1.1", h));
  EXPECT_FALSE(s.accepted());
  EXPECT_EQ(s.status(), 400);
}

TEST(handshake, server_upgrade_may_list_several_protocols) {
  EXPECT_TRUE(run_server(request_with("GET / HTTP/1.1", replace(good_request_headers(), "Upgrade", "h2c, websocket")))
                  .accepted());
}

TEST(handshake, server_connection_is_a_token_list) {
  // Firefox sends "keep-alive, Upgrade".
  EXPECT_TRUE(run_server(request_with("GET / HTTP/1.1", replace(good_request_headers(), "Connection", "keep-alive, Upgrade")))
                  .accepted());
  EXPECT_TRUE(run_server(request_with("GET / HTTP/1.1", replace(good_request_headers(), "Connection", "Upgrade,keep-alive")))
                  .accepted());
}

TEST(handshake, server_names_and_tokens_are_case_insensitive) {
  core::header_list h;
  for (auto f : good_request_headers()) {
    for (auto& ch : f.name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    h.push_back(f);
  }
  h = replace(replace(h, "upgrade", "WebSocket"), "connection", "UPGRADE");
  auto s = run_server(request_with("GET / HTTP/1.1", h));
  EXPECT_TRUE(s.accepted()) << s.response();
}

TEST(handshake, server_answers_wrong_version_with_426) {
  for (const char* version : {"8", "12", "14", "13, 8", ""}) {
    SCOPED_TRACE(version);
    auto s = run_server(request_with("GET / HTTP/1.1", replace(good_request_headers(), "Sec-WebSocket-Version", version)));
    EXPECT_EQ(s.error(), errc::http_bad_ws_version);
    EXPECT_EQ(s.status(), 426);
    const auto head = parse_response(s.response());
    EXPECT_EQ(head.status, 426);
    EXPECT_EQ(header_value(head.headers, "Sec-WebSocket-Version"), "13") << "4.4: say which version we speak";
  }
  auto missing = run_server(request_with("GET / HTTP/1.1", without(good_request_headers(), "Sec-WebSocket-Version")));
  EXPECT_EQ(missing.error(), errc::http_bad_ws_version);
  EXPECT_EQ(missing.status(), 426);
}

TEST(handshake, server_requires_a_16_byte_key) {
  for (const char* key : {"", "dGhlIHNhbXBsZSBub25j", "dGhlIHNhbXBsZSBub25jZXg=", "not base64 at all!!!!!!!"}) {
    SCOPED_TRACE(key);
    auto s = run_server(request_with("GET / HTTP/1.1", replace(good_request_headers(), "Sec-WebSocket-Key", key)));
    EXPECT_EQ(s.error(), errc::http_bad_key);
    EXPECT_EQ(s.status(), 400);
  }
  auto missing = run_server(request_with("GET / HTTP/1.1", without(good_request_headers(), "Sec-WebSocket-Key")));
  EXPECT_EQ(missing.error(), errc::http_bad_key);
  auto twice_headers = good_request_headers();
  twice_headers.push_back({"Sec-WebSocket-Key", std::string(counting_key)});
  auto twice = run_server(request_with("GET / HTTP/1.1", twice_headers));
  EXPECT_FALSE(twice.accepted());
  EXPECT_EQ(twice.status(), 400);
}

TEST(handshake, server_header_byte_limit_gives_431) {
  core::server_handshake_options o;
  o.limits.max_header_bytes = 256;
  auto h = good_request_headers();
  h.push_back({"Cookie", std::string(300, 'c')});
  auto s = run_server(request_with("GET / HTTP/1.1", h), o);
  EXPECT_EQ(s.error(), errc::http_header_too_large);
  EXPECT_EQ(s.status(), 431);
  EXPECT_EQ(parse_response(s.response()).status, 431);
}

TEST(handshake, server_header_count_limit_gives_431) {
  core::server_handshake_options o;
  o.limits.max_header_count = 8;
  auto h = good_request_headers();  // 7 headers
  h.push_back({"X-A", "1"});
  EXPECT_TRUE(run_server(request_with("GET / HTTP/1.1", h), o).accepted());
  h.push_back({"X-B", "2"});
  auto s = run_server(request_with("GET / HTTP/1.1", h), o);
  EXPECT_EQ(s.error(), errc::http_too_many_headers);
  EXPECT_EQ(s.status(), 431);
}

TEST(handshake, server_malformed_request_gives_400) {
  auto s = run_server("GET / HTTP/1.1\r\nHost example\r\n\r\n");
  EXPECT_EQ(s.error(), errc::http_malformed);
  EXPECT_EQ(s.status(), 400);
  EXPECT_FALSE(s.accepted());
  EXPECT_EQ(parse_response(s.response()).status, 400);
}

TEST(handshake, server_select_subprotocol_hook) {
  core::server_handshake_options o;
  o.select_subprotocol = [](const core::upgrade_request& r) {
    return r.subprotocols.size() > 1 ? r.subprotocols[1] : std::string{};
  };
  auto s = run_server(good_request(), o);
  ASSERT_TRUE(s.accepted());
  EXPECT_EQ(s.chosen().subprotocol, "superchat");
  EXPECT_EQ(header_value(parse_response(s.response()).headers, "Sec-WebSocket-Protocol"), "superchat");
}

TEST(handshake, server_hook_may_not_choose_an_unoffered_subprotocol) {
  core::server_handshake_options o;
  o.select_subprotocol = [](const core::upgrade_request&) { return std::string("mqtt"); };
  auto s = run_server(good_request(), o);
  EXPECT_FALSE(s.accepted());
  EXPECT_EQ(s.error(), errc::http_unexpected_subprotocol);
  EXPECT_NE(parse_response(s.response()).status, 101);
}

TEST(handshake, server_select_extensions_hook) {
  core::server_handshake_options o;
  o.select_extensions = [](const core::upgrade_request& r) {
    EXPECT_EQ(r.extensions, (std::vector<std::string>{"permessage-deflate; client_max_window_bits", "x-foo"}));
    return std::vector<std::string>{"permessage-deflate; server_no_context_takeover"};
  };
  auto h = good_request_headers();
  h.push_back({"Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits, x-foo"});
  auto s = run_server(request_with("GET / HTTP/1.1", h), o);
  ASSERT_TRUE(s.accepted());
  EXPECT_EQ(header_value(parse_response(s.response()).headers, "Sec-WebSocket-Extensions"),
            "permessage-deflate; server_no_context_takeover");
}

TEST(handshake, server_decide_hook_refuses) {
  core::server_handshake_options o;
  o.decide = [](const core::upgrade_request& r, core::server_response&) {
    return r.origin == "http://example.com" ? 403 : 0;
  };
  auto s = run_server(good_request(), o);
  EXPECT_FALSE(s.accepted());
  EXPECT_EQ(s.status(), 403);
  EXPECT_EQ(s.response().rfind("HTTP/1.1 403", 0), 0u) << s.response();
  EXPECT_EQ(parse_response(s.response()).status, 403);
}

TEST(handshake, server_decide_hook_accepts_and_adds_headers) {
  core::server_handshake_options o;
  o.decide = [](const core::upgrade_request&, core::server_response& response) {
    response.extra_headers.push_back({"Set-Cookie", "id=1"});
    return 0;
  };
  auto s = run_server(good_request(), o);
  ASSERT_TRUE(s.accepted());
  EXPECT_EQ(header_value(parse_response(s.response()).headers, "Set-Cookie"), "id=1");
}

TEST(handshake, server_hooks_not_called_for_invalid_requests) {
  bool called = false;
  core::server_handshake_options o;
  o.decide = [&](const core::upgrade_request&, core::server_response&) {
    called = true;
    return 0;
  };
  auto s = run_server(request_with("GET / HTTP/1.1", without(good_request_headers(), "Host")), o);
  EXPECT_FALSE(s.accepted());
  EXPECT_FALSE(called);
}

TEST(handshake, check_upgrade_headers_without_a_request_line) {
  core::upgrade_request r;
  // The minimal set websocket.h callers pass; an empty Host value is accepted.
  const core::header_list minimal{{"Connection", "Upgrade"}, {"Upgrade", "websocket"}, {"Host", ""},
                                  {"Sec-WebSocket-Version", "13"},
                                  {"Sec-WebSocket-Key", std::string(counting_key)}};
  EXPECT_EQ(core::check_upgrade_headers(minimal, r), errc::ok);
  EXPECT_EQ(r.key, counting_key);
  EXPECT_EQ(core::check_upgrade_headers(without(minimal, "Host"), r), errc::http_missing_host);
}

TEST(handshake, accept_headers_order) {
  core::upgrade_request r;
  r.key = "dGhlIHNhbXBsZSBub25jZQ==";
  core::server_response resp;
  resp.subprotocol = "chat";
  resp.extensions = {"permessage-deflate"};
  const auto h = core::accept_headers(r, resp);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[0].name, "Upgrade");
  EXPECT_EQ(h[1].name, "Connection");
  EXPECT_EQ(h[2].name, "Sec-WebSocket-Accept");
  EXPECT_EQ(h[2].value, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  EXPECT_EQ(h[3].name, "Sec-WebSocket-Protocol");
  EXPECT_EQ(h[4].name, "Sec-WebSocket-Extensions");
  const auto text = core::accept_response(r, resp);
  EXPECT_EQ(text.rfind("HTTP/1.1 101 ", 0), 0u);
  EXPECT_EQ(text.substr(text.size() - 4), "\r\n\r\n");
}

TEST(handshake, rejection_status_per_error) {
  EXPECT_EQ(core::rejection_status(errc::http_bad_ws_version), 426);
  EXPECT_EQ(core::rejection_status(errc::http_header_too_large), 431);
  EXPECT_EQ(core::rejection_status(errc::http_too_many_headers), 431);
  EXPECT_EQ(core::rejection_status(errc::http_bad_method), 405);
  for (errc e : {errc::http_malformed, errc::http_bad_version, errc::http_missing_host, errc::http_bad_upgrade,
                 errc::http_bad_connection, errc::http_bad_key, errc::http_duplicate_header}) {
    EXPECT_EQ(core::rejection_status(e), 400) << static_cast<int>(e);
  }
}

TEST(handshake, reject_response_is_a_complete_http_response) {
  const std::string r = core::reject_response(426, "Sec-WebSocket-Version must be 13", {{"X-Why", "version"}});
  core::http_parser p(core::http_kind::response);
  const std::size_t head = p.feed(r);
  ASSERT_TRUE(p.done()) << r;
  EXPECT_EQ(p.head().status, 426);
  EXPECT_EQ(header_value(p.head().headers, "Sec-WebSocket-Version"), "13");
  EXPECT_EQ(header_value(p.head().headers, "X-Why"), "version");
  const std::string body = r.substr(head);
  EXPECT_NE(body.find("Sec-WebSocket-Version must be 13"), std::string::npos);
  EXPECT_EQ(header_value(p.head().headers, "Content-Length"), std::to_string(body.size()));
}

TEST(handshake, client_and_server_agree) {
  counting_random random;
  auto co = client_opts();
  co.subprotocols = {"v1", "v2"};
  co.extensions = {"permessage-deflate"};
  core::client_handshake client(co, random.source());
  core::server_handshake_options so;
  so.select_subprotocol = [](const core::upgrade_request&) { return std::string("v2"); };
  so.select_extensions = [](const core::upgrade_request& r) { return r.extensions; };
  core::server_handshake server(so);
  const std::string req = client.request();
  ASSERT_EQ(server.feed(req), req.size());
  ASSERT_TRUE(server.accepted()) << server.response();
  ASSERT_EQ(client.feed(server.response()), server.response().size());
  ASSERT_TRUE(client.done());
  EXPECT_EQ(client.error(), errc::ok);
  EXPECT_EQ(client.result().subprotocol, "v2");
  EXPECT_EQ(client.result().extensions, std::vector<std::string>{"permessage-deflate"});
}

}  // namespace
}  // namespace websock::test
