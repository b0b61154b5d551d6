// Fuzzes websock::core::client_handshake: response heads in any split, against a request whose
// key is fixed by a deterministic random source ("AQIDBAUGBwgJCgsMDQ4PEA==", accept
// "C/0nmHhBztSRGR1CwL6Tf4ZjwpY="), offering subprotocols and extensions as the input chooses.
//
// Input: [options] then chunks (length byte + bytes) fed one per feed() call.
// Oracles: our own request passes the server's checks; the head ends exactly at the first blank
// line that fits the limit; every error is one the client side documents; a success means a 101
// with the one right accept key, Upgrade/Connection tokens, and only offered subprotocol and
// extensions; check_response() on the parsed head agrees with feed(); one feed() of the whole
// stream gives the same outcome.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "chunker.hpp"
#include "http_oracle.hpp"
#include "websock/core/handshake.hpp"

namespace websock::fuzz {
namespace {

using core::errc;

constexpr std::size_t byte_limits[4] = {16 * 1024, 32, 200, 1024};
constexpr std::size_t count_limits[4] = {100, 0, 2, 5};

void fixed_key(void*, std::byte* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(i + 1);
}

core::client_handshake_options make_options(std::uint8_t flags) {
  core::client_handshake_options o;
  o.host = "example.com:8080";
  o.target = "/chat?x=1";
  o.limits.max_header_bytes = byte_limits[flags & 3];
  o.limits.max_header_count = count_limits[(flags >> 2) & 3];
  switch ((flags >> 4) & 3) {
    case 1: o.subprotocols = {"chat"}; break;
    case 2: o.subprotocols = {"chat", "superchat"}; break;
    default: break;
  }
  if (flags & 0x40) o.extensions = {"permessage-deflate; client_max_window_bits"};
  if (flags & 0x80) o.extra_headers = {{"Origin", "http://example.com"}, {"X-Trace", "a\tb"}};
  return o;
}

bool is_client_error(errc e) {
  switch (e) {
    case errc::ok:
    case errc::http_malformed:
    case errc::http_header_too_large:
    case errc::http_too_many_headers:
    case errc::http_bad_version:
    case errc::http_bad_status:
    case errc::http_bad_upgrade:
    case errc::http_bad_connection:
    case errc::http_bad_accept:
    case errc::http_unexpected_subprotocol:
    case errc::http_unexpected_extension:
    case errc::http_duplicate_header:
    case errc::http_bad_response_version:
      return true;
    default:
      return false;
  }
}

std::string_view extension_name(std::string_view element) {
  auto name = element.substr(0, element.find(';'));
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

void check_outcome(const core::client_handshake& hs, const core::client_handshake_options& o) {
  WEBSOCK_FUZZ_CHECK(hs.done());
  const errc e = hs.error();
  WEBSOCK_FUZZ_CHECK(is_client_error(e));
  const auto& head = hs.response();
  if (e == errc::ok) {
    WEBSOCK_FUZZ_CHECK(head.status == 101);
    WEBSOCK_FUZZ_CHECK(head.version_major == 1 && head.version_minor >= 1);
    WEBSOCK_FUZZ_CHECK(core::has_token(head.headers, "Upgrade", "websocket"));
    WEBSOCK_FUZZ_CHECK(core::has_token(head.headers, "Connection", "Upgrade"));
    WEBSOCK_FUZZ_CHECK(core::count_header(head.headers, "Sec-WebSocket-Accept") == 1);
    WEBSOCK_FUZZ_CHECK(core::find_header(head.headers, "Sec-WebSocket-Accept")->value ==
                       "C/0nmHhBztSRGR1CwL6Tf4ZjwpY=");
    const auto& chosen = hs.result().subprotocol;
    WEBSOCK_FUZZ_CHECK(chosen.empty() || std::find(o.subprotocols.begin(), o.subprotocols.end(),
                                                   chosen) != o.subprotocols.end());
    for (const auto& ext : hs.result().extensions) {
      WEBSOCK_FUZZ_CHECK(std::any_of(o.extensions.begin(), o.extensions.end(), [&](const auto& x) {
        return extension_name(x) == extension_name(ext);
      }));
    }
  }
  // A head that parsed: check_response() must agree with what feed() concluded (it sees no
  // status line, so not its version).
  if (e != errc::http_malformed && e != errc::http_header_too_large &&
      e != errc::http_too_many_headers && e != errc::http_bad_response_version) {
    core::negotiated again;
    WEBSOCK_FUZZ_CHECK(hs.check_response(head.status, head.headers, again) == e);
    if (e == errc::ok) {
      WEBSOCK_FUZZ_CHECK(again.subprotocol == hs.result().subprotocol);
      WEBSOCK_FUZZ_CHECK(again.extensions == hs.result().extensions);
    }
  }
}

// Our own request must be one the server side accepts.
void check_request(const core::client_handshake& hs, const core::client_handshake_options& o) {
  WEBSOCK_FUZZ_CHECK(hs.key() == "AQIDBAUGBwgJCgsMDQ4PEA==");
  const std::string request = hs.request();
  core::http_parser p(core::http_kind::request);
  WEBSOCK_FUZZ_CHECK(p.feed(request) == request.size());
  WEBSOCK_FUZZ_CHECK(p.done() && p.error() == errc::ok);
  core::upgrade_request parsed;
  WEBSOCK_FUZZ_CHECK(core::check_upgrade_request(p.head(), parsed) == errc::ok);
  WEBSOCK_FUZZ_CHECK(parsed.key == hs.key() && parsed.host == o.host && parsed.target == o.target);
  WEBSOCK_FUZZ_CHECK(parsed.subprotocols.size() == o.subprotocols.size());
}

}  // namespace
}  // namespace websock::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace websock;
  using namespace websock::fuzz;
  chunker input(data, size);
  const auto options = make_options(input.take_byte());
  const core::random_source random{&fixed_key, nullptr};

  core::client_handshake hs(options, random);
  check_request(hs, options);
  const fed_stream s = feed_chunks(input, hs, [&] {
    if (hs.done()) check_outcome(hs, options);
  });

  const head_boundary expect = expected_boundary(s.bytes, options.limits.max_header_bytes, s.fed);
  WEBSOCK_FUZZ_CHECK(hs.done() == expect.done);
  WEBSOCK_FUZZ_CHECK(s.consumed == expect.consumed);
  if (expect.too_large) WEBSOCK_FUZZ_CHECK(hs.error() == core::errc::http_header_too_large);
  if (!hs.done()) WEBSOCK_FUZZ_CHECK(hs.error() == core::errc::ok);

  core::client_handshake whole(options, random);
  check_fed_whole(whole, hs, s);
  if (whole.done() && whole.error() == core::errc::ok) {
    WEBSOCK_FUZZ_CHECK(whole.result().subprotocol == hs.result().subprotocol);
    WEBSOCK_FUZZ_CHECK(whole.result().extensions == hs.result().extensions);
  }
  return 0;
}
