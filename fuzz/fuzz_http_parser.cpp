// Fuzzes websock::core::http_parser, requests and responses, with small limits sometimes.
//
// Input: [options] then chunks (length byte + bytes) fed one per feed() call.
// Oracles: the head ends exactly at the first blank line that fits the limit (or the stream is
// refused with http_header_too_large after exactly the limit); errors are http_malformed,
// http_header_too_large or http_too_many_headers; a parsed head holds only tokens and clean field
// values, within the header-count limit; writing the head back out parses to the same head; one
// feed() of the whole stream gives the same result as the chunked feeds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "chunker.hpp"
#include "http_oracle.hpp"
#include "websock/core/http.hpp"

namespace websock::fuzz {
namespace {

using core::errc;

constexpr std::size_t byte_limits[8] = {16 * 1024, 0, 1, 4, 17, 64, 256, 1024};
constexpr std::size_t count_limits[4] = {100, 0, 1, 3};

bool same_head(const core::http_head& a, const core::http_head& b) {
  if (a.method != b.method || a.target != b.target || a.status != b.status ||
      a.reason != b.reason || a.version_major != b.version_major ||
      a.version_minor != b.version_minor || a.headers.size() != b.headers.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.headers.size(); ++i) {
    if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) {
      return false;
    }
  }
  return true;
}

std::string write_head(core::http_kind kind, const core::http_head& h) {
  std::string out;
  const std::string version = "HTTP/" + std::to_string(h.version_major) + "." +
                              std::to_string(h.version_minor);
  if (kind == core::http_kind::request) {
    out = h.method + " " + h.target + " " + version + "\r\n";
  } else {
    std::string status = std::to_string(h.status);
    status.insert(0, 3 - status.size(), '0');
    out = version + " " + status + " " + h.reason + "\r\n";
  }
  core::append_headers(out, h.headers);
  out += "\r\n";
  return out;
}

void check_head(core::http_kind kind, const core::http_head& h, const core::http_limits& limits) {
  WEBSOCK_FUZZ_CHECK(h.headers.size() <= limits.max_header_count);
  WEBSOCK_FUZZ_CHECK(h.version_major >= 0 && h.version_major <= 9);
  WEBSOCK_FUZZ_CHECK(h.version_minor >= 0 && h.version_minor <= 9);
  if (kind == core::http_kind::request) {
    WEBSOCK_FUZZ_CHECK(is_token(h.method));
    WEBSOCK_FUZZ_CHECK(!h.target.empty() && is_clean_value(h.target));
    WEBSOCK_FUZZ_CHECK(h.target.find_first_of(" \t") == std::string::npos);
  } else {
    WEBSOCK_FUZZ_CHECK(h.status >= 0 && h.status <= 999);
    WEBSOCK_FUZZ_CHECK(h.reason.find_first_of("\r\n") == std::string::npos);
  }
  for (const auto& f : h.headers) {
    WEBSOCK_FUZZ_CHECK(is_token(f.name));
    WEBSOCK_FUZZ_CHECK(is_clean_value(f.value));
    // The list helpers on whatever was parsed.
    WEBSOCK_FUZZ_CHECK(core::find_header(h.headers, f.name) != nullptr);
    WEBSOCK_FUZZ_CHECK(core::count_header(h.headers, f.name) >= 1);
    for (const auto token : core::header_tokens(h.headers, f.name)) {
      WEBSOCK_FUZZ_CHECK(!token.empty() && token.find(',') == std::string_view::npos);
      WEBSOCK_FUZZ_CHECK(token.front() != ' ' && token.back() != ' ');
      WEBSOCK_FUZZ_CHECK(core::has_token(h.headers, f.name, token));
    }
  }
}

}  // namespace
}  // namespace websock::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace websock;
  using namespace websock::fuzz;
  chunker input(data, size);
  const std::uint8_t flags = input.take_byte();
  const auto kind = (flags & 1) ? core::http_kind::response : core::http_kind::request;
  core::http_limits limits;
  limits.max_header_bytes = byte_limits[(flags >> 1) & 7];
  limits.max_header_count = count_limits[(flags >> 4) & 3];

  core::http_parser parser(kind, limits);
  const fed_stream s = feed_chunks(input, parser, [] {});

  const head_boundary expect = expected_boundary(s.bytes, limits.max_header_bytes, s.fed);
  WEBSOCK_FUZZ_CHECK(s.consumed == expect.consumed);
  const errc e = parser.error();
  if (!expect.done) {
    WEBSOCK_FUZZ_CHECK(!parser.done() && e == errc::ok);
  } else if (expect.too_large) {
    WEBSOCK_FUZZ_CHECK(!parser.done() && e == errc::http_header_too_large);
  } else {
    WEBSOCK_FUZZ_CHECK(parser.done() ? e == errc::ok
                                     : e == errc::http_malformed || e == errc::http_too_many_headers);
  }

  // The whole stream in one call.
  core::http_parser whole(kind, limits);
  check_fed_whole(whole, parser, s);

  if (parser.done()) {
    check_head(kind, parser.head(), limits);
    WEBSOCK_FUZZ_CHECK(same_head(parser.head(), whole.head()));
    // Written back out, the head parses to itself (with room for it).
    const std::string again = write_head(kind, parser.head());
    core::http_limits roomy = limits;
    roomy.max_header_bytes = again.size() + 1;
    core::http_parser reparsed(kind, roomy);
    WEBSOCK_FUZZ_CHECK(reparsed.feed(again) == again.size());
    WEBSOCK_FUZZ_CHECK(reparsed.done() && reparsed.error() == core::errc::ok);
    WEBSOCK_FUZZ_CHECK(same_head(parser.head(), reparsed.head()));
  }
  return 0;
}
