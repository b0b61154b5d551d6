// Checks shared by the HTTP-head fuzz targets: where the head must end, and a differential run.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "chunker.hpp"
#include "oracle.hpp"
#include "websock/core/http.hpp"

namespace websock::fuzz {

// What feeding `stream` (in any split, `fed` saying whether feed() was called at all) to a head parser with this limit must come to: the head is
// everything up to the first blank line when that fits in max_header_bytes; a stream that reaches
// the limit without one is refused with http_header_too_large after exactly the limit.
struct head_boundary {
  bool done = false;
  bool too_large = false;
  std::size_t consumed = 0;
};

inline head_boundary expected_boundary(std::string_view stream, std::size_t max_header_bytes,
                                       bool fed) {
  head_boundary b;
  if (!fed) return b;  // no feed() call, nothing decided (even with a zero limit)
  const auto end = stream.find("\r\n\r\n");
  if (end != std::string_view::npos && end + 4 <= max_header_bytes) {
    b.done = true;
    b.consumed = end + 4;
  } else if (stream.size() >= max_header_bytes) {
    b.done = true;
    b.too_large = true;
    b.consumed = max_header_bytes;
  } else {
    b.consumed = stream.size();
  }
  return b;
}

// Feeds one chunk to anything with feed()/done()/error(), checking the per-call rules, and adds
// to `total` what it took.
// A parser is finished once done() or once it reports an error; until then it takes everything.
template <typename Parser>
bool finished(const Parser& p) {
  return p.done() || p.error() != core::errc::ok;
}

template <typename Parser>
void feed_checked(Parser& p, std::string_view chunk, std::size_t& total) {
  const bool finished_before = finished(p);
  const std::size_t n = p.feed(chunk);
  WEBSOCK_FUZZ_CHECK(n <= chunk.size());
  if (finished_before) WEBSOCK_FUZZ_CHECK(n == 0);
  if (!finished(p)) WEBSOCK_FUZZ_CHECK(n == chunk.size());
  total += n;
}

// What a chunked run fed: the bytes in order, how many the parser took, whether feed() ran at all.
struct fed_stream {
  std::string bytes;
  std::size_t consumed = 0;
  bool fed = false;
};

// Feeds each chunk the fuzzer chose to `p` (feed_checked), calling after_chunk() after each one.
template <typename Parser, typename AfterChunk>
fed_stream feed_chunks(chunker& input, Parser& p, AfterChunk after_chunk) {
  fed_stream s;
  while (!input.empty()) {
    s.fed = true;
    const auto chunk = input.next();
    const std::string_view piece(reinterpret_cast<const char*>(chunk.data()), chunk.size());
    s.bytes += piece;
    feed_checked(p, piece, s.consumed);
    after_chunk();
  }
  return s;
}

// Differential: the same stream in one feed() to a fresh parser must end as the chunked run did.
template <typename Parser>
void check_fed_whole(Parser& whole, const Parser& chunked, const fed_stream& s) {
  std::size_t consumed = 0;
  if (s.fed) feed_checked(whole, s.bytes, consumed);
  WEBSOCK_FUZZ_CHECK(whole.done() == chunked.done() && whole.error() == chunked.error());
  WEBSOCK_FUZZ_CHECK(consumed == s.consumed);
}

inline bool is_tchar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

inline bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// Field value as the parser must store it: no CR, LF, NUL or other controls but HTAB, trimmed.
inline bool is_clean_value(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F) return false;
  }
  if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.back() == ' ' || s.back() == '\t')) {
    return false;
  }
  return true;
}

}  // namespace websock::fuzz
