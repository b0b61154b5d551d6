// Fuzzes the permessage-deflate negotiation (RFC 7692 5-7): one Sec-WebSocket-Extensions element
// as a server sees it in an offer and as a client sees it in an answer.
//
// Input: [options] then the element's text. The options byte gives both sides' wishes: bit 0/1
// server/client no context takeover, bits 2-4 and 5-7 the server's and client's window caps (8 + n).
//
// Oracles:
//  - parse_extension_element never reads past the text, and what it parses has a token name;
//  - a server's answer to the fuzzed offer names permessage-deflate, parses, states windows in
//    8..15 within the server's caps, and the client whose offer it reads back accepts it;
//  - an answer the client accepts gives windows within 8..15 and within its own caps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "oracle.hpp"
#include "websock/core/http.hpp"
#include "websock/core/permessage_deflate.hpp"

namespace {

using namespace websock;

core::deflate_options options_of(std::uint8_t b) {
  core::deflate_options o;
  o.enabled = true;
  o.server_no_context_takeover = (b & 0x01) != 0;
  o.client_no_context_takeover = (b & 0x02) != 0;
  o.server_max_window_bits = static_cast<std::uint8_t>(8 + ((b >> 2) & 0x07));
  o.client_max_window_bits = static_cast<std::uint8_t>(8 + (b >> 5));
  return o;
}

bool in_range(std::uint8_t bits, std::uint8_t cap) { return bits >= 8 && bits <= 15 && bits <= cap; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const core::deflate_options o = options_of(data[0]);
  // An exactly sized copy: ASan sees any read past the element.
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);

  core::extension_element e;
  if (core::parse_extension_element(text, e) == core::errc::ok) {
    WEBSOCK_FUZZ_CHECK(core::is_token(e.name));
    for (const auto& p : e.params) WEBSOCK_FUZZ_CHECK(core::is_token(p.name));
  }

  // As an offer, to a server.
  core::deflate_agreement chosen;
  const std::string offers[] = {text};
  if (const auto answer = core::select_deflate(offers, o, chosen)) {
    core::extension_element a;
    WEBSOCK_FUZZ_CHECK(core::parse_extension_element(*answer, a) == core::errc::ok);
    WEBSOCK_FUZZ_CHECK(core::iequals(a.name, core::permessage_deflate_name));
    WEBSOCK_FUZZ_CHECK(in_range(chosen.server_max_window_bits, o.server_max_window_bits));
    WEBSOCK_FUZZ_CHECK(in_range(chosen.client_max_window_bits, o.client_max_window_bits));
    if (o.server_no_context_takeover) WEBSOCK_FUZZ_CHECK(chosen.server_no_context_takeover);
    if (o.client_no_context_takeover) WEBSOCK_FUZZ_CHECK(chosen.client_no_context_takeover);
  }

  // As an answer, to a client.
  core::deflate_agreement agreed;
  if (core::accept_deflate_response(text, o, agreed) == core::errc::ok) {
    WEBSOCK_FUZZ_CHECK(in_range(agreed.server_max_window_bits, o.server_max_window_bits));
    WEBSOCK_FUZZ_CHECK(in_range(agreed.client_max_window_bits, o.client_max_window_bits));
    if (o.server_no_context_takeover) WEBSOCK_FUZZ_CHECK(agreed.server_no_context_takeover);
    if (o.client_no_context_takeover) WEBSOCK_FUZZ_CHECK(agreed.client_no_context_takeover);
  }

  // The client's own offer for these options, answered by a server with the same wishes: the
  // client accepts whatever that server says.
  const std::string own[] = {core::deflate_offer(o)};
  core::deflate_agreement server_side, client_side;
  if (const auto answer = core::select_deflate(own, o, server_side)) {
    WEBSOCK_FUZZ_CHECK(core::accept_deflate_response(*answer, o, client_side) == core::errc::ok);
  }
  return 0;
}
