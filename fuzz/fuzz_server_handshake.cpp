// Fuzzes websock::core::server_handshake: upgrade requests in any split, with the hooks
// (subprotocol, extensions, decide) and the limits chosen by the input.
//
// Input: [options] then chunks (length byte + bytes) fed one per feed() call.
// Oracles: the head ends exactly at the first blank line that fits the limit; once done() every
// error is one the server side documents and the status matches it (rejection_status, 500 for a
// hook that picks an unoffered subprotocol, the hook's status for a refusal); a 101 carries the
// accept key of a valid client key and only an offered subprotocol; every response is itself a
// well-formed HTTP head with that status; feeding the stream in one call gives the same outcome.
#include <algorithm>
#include <cstddef>
#include <cstdint>
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

core::server_handshake_options make_options(std::uint8_t flags) {
  core::server_handshake_options o;
  o.limits.max_header_bytes = byte_limits[flags & 3];
  o.limits.max_header_count = count_limits[(flags >> 2) & 3];
  switch ((flags >> 4) & 3) {
    case 1:  // the first offered one
      o.select_subprotocol = [](const core::upgrade_request& r) {
        return r.subprotocols.empty() ? std::string{} : r.subprotocols.front();
      };
      break;
    case 2:  // a broken hook: something never offered (unless the client did offer it)
      o.select_subprotocol = [](const core::upgrade_request&) { return std::string("x-unoffered"); };
      break;
    default:
      break;
  }
  if (flags & 0x40) {
    o.select_extensions = [](const core::upgrade_request& r) { return r.extensions; };
  }
  if (flags & 0x80) {
    o.decide = [](const core::upgrade_request& r, core::server_response& response) {
      if (r.target.find("deny") != std::string::npos) return 403;
      response.extra_headers.push_back({"X-Fuzz", "1"});
      return 0;
    };
  }
  return o;
}

bool is_server_error(errc e) {
  switch (e) {
    case errc::ok:
    case errc::http_malformed:
    case errc::http_header_too_large:
    case errc::http_too_many_headers:
    case errc::http_bad_method:
    case errc::http_bad_version:
    case errc::http_missing_host:
    case errc::http_bad_upgrade:
    case errc::http_bad_connection:
    case errc::http_bad_ws_version:
    case errc::http_bad_key:
    case errc::http_duplicate_header:
    case errc::http_unexpected_subprotocol:
    case errc::policy_violation:
      return true;
    default:
      return false;
  }
}

// The response must parse as one complete HTTP/1.1 head with `status` (plus its declared body).
core::http_head parse_response(const std::string& response, int status) {
  core::http_parser p(core::http_kind::response);
  const std::size_t head = p.feed(response);
  WEBSOCK_FUZZ_CHECK(p.done() && p.error() == errc::ok);
  WEBSOCK_FUZZ_CHECK(p.head().status == status);
  WEBSOCK_FUZZ_CHECK(p.head().version_major == 1 && p.head().version_minor == 1);
  std::size_t body = 0;
  if (const auto* length = core::find_header(p.head().headers, "Content-Length")) {
    body = std::stoul(length->value);
  }
  WEBSOCK_FUZZ_CHECK(head + body == response.size());
  return p.head();
}

void check_outcome(const core::server_handshake& hs, const core::server_handshake_options& o) {
  WEBSOCK_FUZZ_CHECK(hs.done());
  const errc e = hs.error();
  WEBSOCK_FUZZ_CHECK(is_server_error(e));
  WEBSOCK_FUZZ_CHECK(hs.accepted() == (e == errc::ok));
  if (e == errc::ok) {
    WEBSOCK_FUZZ_CHECK(hs.status() == 101);
    const auto& r = hs.request();
    WEBSOCK_FUZZ_CHECK(core::is_valid_key(r.key));
    WEBSOCK_FUZZ_CHECK(hs.head().method == "GET");
    const auto response = parse_response(hs.response(), 101);
    WEBSOCK_FUZZ_CHECK(core::has_token(response.headers, "Upgrade", "websocket"));
    WEBSOCK_FUZZ_CHECK(core::has_token(response.headers, "Connection", "Upgrade"));
    const auto* accept = core::find_header(response.headers, "Sec-WebSocket-Accept");
    WEBSOCK_FUZZ_CHECK(accept != nullptr && accept->value == core::compute_accept_key(r.key));
    const auto& chosen = hs.chosen().subprotocol;
    const auto* protocol = core::find_header(response.headers, "Sec-WebSocket-Protocol");
    if (chosen.empty()) {
      WEBSOCK_FUZZ_CHECK(protocol == nullptr);
    } else {
      WEBSOCK_FUZZ_CHECK(protocol != nullptr && protocol->value == chosen);
      WEBSOCK_FUZZ_CHECK(std::find(r.subprotocols.begin(), r.subprotocols.end(), chosen) !=
                         r.subprotocols.end());
    }
    WEBSOCK_FUZZ_CHECK(core::count_header(hs.head().headers, "Host") == 1);
    WEBSOCK_FUZZ_CHECK(core::find_header(hs.head().headers, "Host")->value == r.host);
    return;
  }
  int status = core::rejection_status(e);
  if (e == errc::http_unexpected_subprotocol) status = 500;
  if (e == errc::policy_violation) status = 403;
  WEBSOCK_FUZZ_CHECK(hs.status() == status);
  parse_response(hs.response(), status);
  (void)o;
}

}  // namespace
}  // namespace websock::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace websock;
  using namespace websock::fuzz;
  chunker input(data, size);
  const auto options = make_options(input.take_byte());

  core::server_handshake hs(options);
  const fed_stream s = feed_chunks(input, hs, [&] {
    if (hs.done()) check_outcome(hs, options);
  });

  const head_boundary expect = expected_boundary(s.bytes, options.limits.max_header_bytes, s.fed);
  WEBSOCK_FUZZ_CHECK(hs.done() == expect.done);
  WEBSOCK_FUZZ_CHECK(s.consumed == expect.consumed);
  if (expect.too_large) WEBSOCK_FUZZ_CHECK(hs.error() == core::errc::http_header_too_large);
  if (!hs.done()) WEBSOCK_FUZZ_CHECK(hs.error() == core::errc::ok && hs.status() == 0);

  core::server_handshake whole(options);
  check_fed_whole(whole, hs, s);
  WEBSOCK_FUZZ_CHECK(whole.status() == hs.status() && whole.response() == hs.response());
  return 0;
}
