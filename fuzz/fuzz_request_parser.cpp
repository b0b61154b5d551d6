// Fuzzes websock::http::request_parser (src/http): heads, Content-Length and chunked bodies,
// trailers, pipelining and upgrades, with small limits sometimes.
//
// Input: [options] then chunks (length byte + bytes), each chunk one "read" of a driver that
// keeps the bytes the parser did not take and calls next() until need_more.
// Oracles: need_more means every byte was taken, and the events of one call never take more
// than they were given; an error is one of the documented statuses with a fixed printable text,
// and write_error() of it is a well-formed response; heads hold tokens and clean values within
// the limits; a message's body never exceeds max_body_bytes and a Content-Length body is exactly
// that long; after stopped nothing is taken; the number of events is bounded by the input; the
// static path resolver never yields a path that climbs, is absolute or holds NUL; and feeding
// the whole stream at once reports the same events (split invariance).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chunker.hpp"
#include "http/request_parser.hpp"
#include "http/response_writer.hpp"
#include "http/static_path.hpp"
#include "http/target.hpp"
#include "oracle.hpp"

namespace websock::fuzz {
namespace {

using http::event_kind;

constexpr std::size_t line_limits[4] = {8 * 1024, 8, 32, 200};
constexpr std::size_t head_limits[4] = {16 * 1024, 16, 64, 300};
constexpr std::size_t count_limits[4] = {100, 0, 1, 4};
constexpr std::uint64_t body_limits[4] = {1024 * 1024, 0, 5, 100};

bool is_status_of_refusal(int s) {
  switch (s) {
    case 400: case 413: case 414: case 417: case 431: case 501: case 505: return true;
    default: return false;
  }
}

bool printable(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return !s.empty();
}

void check_request(const http::request& r, const http::limits& l, std::string_view raw) {
  WEBSOCK_FUZZ_CHECK(!r.method.empty() && r.headers.size() <= l.max_header_count);
  WEBSOCK_FUZZ_CHECK(raw.size() <= l.max_head_bytes);
  WEBSOCK_FUZZ_CHECK(r.version_minor == 0 || r.version_minor == 1);
  for (char c : r.target) WEBSOCK_FUZZ_CHECK(c > 0x20 && c < 0x7F);
  for (const auto& h : r.headers) {
    for (char c : h.value) {
      const auto u = static_cast<unsigned char>(c);
      WEBSOCK_FUZZ_CHECK((u >= 0x20 || u == '\t') && u != 0x7F);
    }
  }
  if (r.framing == http::body_framing::content_length) {
    WEBSOCK_FUZZ_CHECK(r.content_length > 0 && r.content_length <= l.max_body_bytes);
  }
  // Whatever the path, the resolver's answer stays beneath a root.
  const auto path = http::split_target(r.target).path;
  for (const bool dotfiles : {false, true}) {
    if (const auto rel = http::resolve_static_path(path, {dotfiles})) {
      const std::string& p = rel->path;
      WEBSOCK_FUZZ_CHECK(p.empty() || (p.front() != '/' && p.back() != '/'));
      WEBSOCK_FUZZ_CHECK(p.find('\0') == std::string::npos && p.find("//") == std::string::npos);
      WEBSOCK_FUZZ_CHECK(p != ".." && !p.starts_with("../") && p.find("/../") == std::string::npos &&
                         !p.ends_with("/.."));
      WEBSOCK_FUZZ_CHECK(p.find('\\') == std::string::npos);
    }
  }
}

struct run {
  std::vector<std::string> events;
  std::string after;  // bytes left once the parser stopped
};

// One driver over the reads in `reads`.
run drive(const std::vector<std::string_view>& reads, const http::limits& l) {
  http::request_parser p(l);
  run out;
  std::string pending;
  std::size_t total_in = 0;
  std::size_t events = 0;
  std::uint64_t body = 0;
  bool stopped = false;
  for (const auto read : reads) {
    total_in += read.size();
    pending += read;
    std::string_view bytes = pending;
    while (!stopped) {
      const auto e = p.next(bytes);
      WEBSOCK_FUZZ_CHECK(e.consumed <= bytes.size());
      // Every event but need_more (once per read) takes a byte or follows one that did.
      if (e.kind != event_kind::need_more) WEBSOCK_FUZZ_CHECK(++events <= 3 * total_in + 4);
      // A body piece is the last part of what its event took (a chunk-size line may precede it).
      if (e.kind == event_kind::body) {
        WEBSOCK_FUZZ_CHECK(!e.data.empty() && e.data.data() + e.data.size() == bytes.data() + e.consumed);
      }
      bytes.remove_prefix(e.consumed);
      switch (e.kind) {
        case event_kind::need_more:
          WEBSOCK_FUZZ_CHECK(bytes.empty());
          break;
        case event_kind::head:
        case event_kind::upgrade:
          WEBSOCK_FUZZ_CHECK(e.consumed > 0);
          check_request(p.current(), l, p.raw_head());
          body = 0;
          out.events.push_back((e.kind == event_kind::head ? "head " : "upgrade ") + p.current().target);
          break;
        case event_kind::body:
          body += e.data.size();
          WEBSOCK_FUZZ_CHECK(body <= l.max_body_bytes && body == p.body_bytes());
          if (!out.events.empty() && out.events.back().starts_with("body ")) {
            out.events.back() += e.data;
          } else {
            out.events.push_back("body " + std::string(e.data));
          }
          break;
        case event_kind::end:
          if (p.current().framing == http::body_framing::content_length) {
            WEBSOCK_FUZZ_CHECK(body == p.current().content_length);
          }
          out.events.push_back("end");
          break;
        case event_kind::error: {
          WEBSOCK_FUZZ_CHECK(is_status_of_refusal(e.error.status) && printable(e.error.text));
          const std::string answer = http::write_error(e.error, 0);
          WEBSOCK_FUZZ_CHECK(answer.starts_with("HTTP/1.1 " + std::to_string(e.error.status) + " "));
          WEBSOCK_FUZZ_CHECK(answer.find("Connection: close\r\n") != std::string::npos);
          out.events.push_back("error " + std::to_string(e.error.status));
          stopped = true;
          break;
        }
        case event_kind::stopped:
          WEBSOCK_FUZZ_CHECK(e.consumed == 0);
          stopped = true;
          break;
      }
      if (e.kind == event_kind::need_more) break;
    }
    if (stopped) {
      // Once stopped, nothing more is taken; later reads are the caller's too.
      const auto again = p.next(bytes);
      WEBSOCK_FUZZ_CHECK(again.kind == event_kind::stopped && again.consumed == 0);
      out.after += bytes;
      pending.clear();
    } else {
      pending.assign(bytes);
    }
  }
  return out;
}

}  // namespace
}  // namespace websock::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace websock;
  using namespace websock::fuzz;
  chunker input(data, size);
  const std::uint8_t flags = input.take_byte();
  http::limits l;
  l.max_request_line = line_limits[flags & 3];
  l.max_head_bytes = head_limits[(flags >> 2) & 3];
  l.max_header_count = count_limits[(flags >> 4) & 3];
  l.max_body_bytes = body_limits[(flags >> 6) & 3];
  l.max_trailer_bytes = head_limits[(flags >> 2) & 3];
  l.max_chunk_line = line_limits[flags & 3];

  std::vector<std::string_view> reads;
  std::string whole;
  while (!input.empty()) {
    const auto chunk = input.next();
    reads.emplace_back(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    whole += reads.back();
  }
  const run split = drive(reads, l);
  const run once = drive({std::string_view(whole)}, l);
  WEBSOCK_FUZZ_CHECK(split.events == once.events);
  WEBSOCK_FUZZ_CHECK(split.after == once.after);
  return 0;
}
