// Fuzzes the response body reader (src/http/response_body.hpp): decide_response_framing over
// heads from core::http_parser, and body_decoder over Content-Length, chunked (through the shared
// chunked_decoder) and close-delimited bodies, with small limits and small output buffers.
//
// Input: [flags][room][length lo][length hi] then chunks (length byte + bytes), each chunk one
// read of a driver that keeps the bytes the decoder did not take.
//   flags bits 0-1: 0 length, 1 chunked, 2 until_close, 3 a response head comes first and
//                   decide_response_framing chooses (method from bits 4-5: GET HEAD CONNECT POST)
//   flags bits 2-3: limits (chunk line, trailer section, trailer count), 0 = defaults
//   flags bit 6:    round trip: the reads are payload, written as chunks by append_chunk
//   flags bit 7:    the server closes after the last read (end_of_input)
//   room:           output buffer size, 0 = 4096
// Oracles: decode() never takes more than given nor writes more than room; it never stalls
// (no progress with input left and room means done or failed); after done or an error nothing is
// taken; available() equals what decode() then produces from the same bytes; a Content-Length
// body is never longer than its length and is done exactly at it; a close-delimited body is all
// of the input; trailers are tokens and clean values within the limits; errors are the documented
// ones; split invariance: the whole stream in one read with a large buffer gives the same payload,
// leftover bytes, done and error; round trip: what append_chunk wrote decodes to the payload.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chunker.hpp"
#include "http/chunked.hpp"
#include "http/response_body.hpp"
#include "oracle.hpp"
#include "websock/core/http.hpp"

namespace websock::fuzz {
namespace {

using core::errc;
using http::body_decoder;
using http::response_framing;

constexpr std::size_t chunk_line_limits[4] = {4 * 1024, 1, 8, 64};
constexpr std::size_t trailer_byte_limits[4] = {8 * 1024, 0, 16, 256};
constexpr std::size_t trailer_count_limits[4] = {100, 0, 1, 4};
constexpr std::string_view methods[4] = {"GET", "HEAD", "CONNECT", "POST"};

std::span<const std::byte> bytes_of(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

bool is_body_error(errc e) {
  switch (e) {
    case errc::ok:
    case errc::http_bad_chunk:
    case errc::http_chunk_line_too_long:
    case errc::http_too_many_headers:
    case errc::http_truncated_body:
      return true;
    default:
      return false;
  }
}

struct run {
  std::string payload;
  std::string after;  // bytes not taken
  bool done = false;
  errc error = errc::ok;
};

struct setup {
  response_framing framing;
  std::uint64_t length;
  http::body_decoder_limits limits;
  bool close_at_end;
};

void check_trailers(const body_decoder& d, const http::body_decoder_limits& l) {
  WEBSOCK_FUZZ_CHECK(d.trailers().size() <= l.max_trailer_count);
  std::size_t bytes = 0;
  for (const auto& t : d.trailers()) {
    WEBSOCK_FUZZ_CHECK(core::is_token(t.name) && core::is_field_value(t.value));
    bytes += t.name.size() + t.value.size();
  }
  WEBSOCK_FUZZ_CHECK(bytes <= l.max_trailer_bytes);
  if (!d.trailers().empty()) WEBSOCK_FUZZ_CHECK(d.framing() == response_framing::chunked);
}

run drive(const setup& s, const std::vector<std::string_view>& reads, std::size_t room) {
  body_decoder d(s.framing, s.length, s.limits);
  run out;
  std::string pending;
  std::vector<std::byte> buffer(room);
  for (const auto read : reads) {
    pending += read;
    const std::size_t hint = d.available(bytes_of(pending));
    std::size_t produced = 0;
    for (;;) {
      const bool finished = d.done() || d.error() != errc::ok;
      const auto r = d.decode(bytes_of(pending), buffer);
      WEBSOCK_FUZZ_CHECK(r.consumed <= pending.size() && r.produced <= buffer.size());
      if (finished) WEBSOCK_FUZZ_CHECK(r.consumed == 0 && r.produced == 0);
      out.payload.append(reinterpret_cast<const char*>(buffer.data()), r.produced);
      produced += r.produced;
      pending.erase(0, r.consumed);
      if (r.consumed == 0 && r.produced == 0) {
        // Never stalls: with bytes left and room, only the end of the body or an error stops it.
        if (!pending.empty()) WEBSOCK_FUZZ_CHECK(d.done() || d.error() != errc::ok);
        break;
      }
    }
    WEBSOCK_FUZZ_CHECK(hint == produced);
    WEBSOCK_FUZZ_CHECK(is_body_error(d.error()) && d.error() != errc::http_truncated_body);
  }
  if (s.close_at_end) {
    const bool was_done = d.done();
    const errc before = d.error();
    const errc e = d.end_of_input();
    WEBSOCK_FUZZ_CHECK(e == d.error());
    if (before != errc::ok) WEBSOCK_FUZZ_CHECK(e == before);
    if (before == errc::ok && !was_done) {
      WEBSOCK_FUZZ_CHECK(s.framing == response_framing::until_close ? d.done() && e == errc::ok
                                                                   : e == errc::http_truncated_body);
    }
  }
  WEBSOCK_FUZZ_CHECK(d.body_bytes() == out.payload.size());
  check_trailers(d, s.limits);
  switch (s.framing) {
    case response_framing::none:
      WEBSOCK_FUZZ_CHECK(out.payload.empty() && d.done());
      break;
    case response_framing::length:
      WEBSOCK_FUZZ_CHECK(out.payload.size() <= s.length);
      WEBSOCK_FUZZ_CHECK(d.done() == (out.payload.size() == s.length));
      if (d.done()) WEBSOCK_FUZZ_CHECK(d.error() == errc::ok);
      break;
    case response_framing::until_close:
      WEBSOCK_FUZZ_CHECK(pending.empty() && d.error() == errc::ok);
      break;
    case response_framing::chunked:
      if (d.done()) WEBSOCK_FUZZ_CHECK(d.error() == errc::ok);
      break;
  }
  out.after = pending;
  out.done = d.done();
  out.error = d.error();
  return out;
}

bool same(const run& a, const run& b) {
  return a.payload == b.payload && a.after == b.after && a.done == b.done && a.error == b.error;
}

// The reads with the first `skip` bytes of the stream removed.
std::vector<std::string_view> drop_front(std::vector<std::string_view> reads, std::size_t skip) {
  std::vector<std::string_view> out;
  for (auto r : reads) {
    const std::size_t n = std::min(skip, r.size());
    r.remove_prefix(n);
    skip -= n;
    if (n == 0 || !r.empty()) out.push_back(r);
  }
  return out;
}

// Writes the reads as a chunked body with the project's writer, then decodes it in pieces.
void round_trip(const std::vector<std::string_view>& reads, std::size_t piece, std::size_t room) {
  std::string payload;
  std::string wire;
  for (const auto r : reads) {
    payload += r;
    http::append_chunk(wire, r);
  }
  wire += http::last_chunk;
  std::vector<std::string_view> pieces;
  for (std::size_t at = 0; at < wire.size(); at += piece) {
    pieces.push_back(std::string_view(wire).substr(at, piece));
  }
  const run r = drive({response_framing::chunked, 0, {}, true}, pieces, room);
  WEBSOCK_FUZZ_CHECK(r.payload == payload && r.done && r.error == errc::ok && r.after.empty());
}

}  // namespace
}  // namespace websock::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace websock;
  using namespace websock::fuzz;
  chunker input(data, size);
  const std::uint8_t flags = input.take_byte();
  const std::uint8_t room_byte = input.take_byte();
  const std::uint8_t length_lo = input.take_byte();
  const std::uint8_t length_hi = input.take_byte();
  const std::size_t room = room_byte == 0 ? 4096 : room_byte;

  std::vector<std::string_view> reads;
  std::string whole;
  while (!input.empty()) {
    const auto chunk = input.next();
    reads.emplace_back(reinterpret_cast<const char*>(chunk.data()), chunk.size());
  }
  for (const auto r : reads) whole += r;

  if (flags & 0x40) {
    round_trip(reads, 1 + length_lo % 64, room);
    return 0;
  }

  setup s{response_framing::length, static_cast<std::uint64_t>(length_lo | (length_hi << 8)), {},
          (flags & 0x80) != 0};
  const unsigned limit = (flags >> 2) & 3;
  s.limits.max_chunk_line = chunk_line_limits[limit];
  s.limits.max_trailer_bytes = trailer_byte_limits[limit];
  s.limits.max_trailer_count = trailer_count_limits[limit];

  std::vector<std::string_view> body_reads = reads;
  std::string_view body_whole = whole;
  switch (flags & 3) {
    case 0: break;
    case 1: s.framing = response_framing::chunked; break;
    case 2: s.framing = response_framing::until_close; break;
    case 3: {
      core::http_parser head(core::http_kind::response);
      const std::size_t head_bytes = head.feed(whole);
      if (!head.done() || head.error() != errc::ok) return 0;
      const auto f = http::decide_response_framing(methods[(flags >> 4) & 3], head.head());
      if (f.error != errc::ok) {
        WEBSOCK_FUZZ_CHECK(f.error == errc::http_malformed);
        WEBSOCK_FUZZ_CHECK(core::count_header(head.head().headers, "Content-Length") != 0 &&
                           core::count_header(head.head().headers, "Transfer-Encoding") == 0);
        return 0;
      }
      if (f.framing == response_framing::length) {
        WEBSOCK_FUZZ_CHECK(core::count_header(head.head().headers, "Content-Length") != 0);
      }
      s.framing = f.framing;
      s.length = f.length;
      body_reads = drop_front(reads, head_bytes);
      body_whole.remove_prefix(head_bytes);
      break;
    }
  }

  const run split = drive(s, body_reads, room);
  const run once = drive(s, {body_whole}, 4096 + body_whole.size());
  WEBSOCK_FUZZ_CHECK(same(split, once));
  return 0;
}
