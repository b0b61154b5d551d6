// Differential fuzzing of UTF-8 validation: the AVX2 validator (src/core/utf8_simd.cpp) and
// is_valid_utf8 against the DFA (src/core/utf8.cpp), and utf8_validator fed in pieces against the
// DFA run over the same pieces and against the one-shot answer for the whole text.
//
// The input is used twice: (1) as the text itself, checked one-shot and fed in pieces whose sizes
// come from a generator seeded by the input; (2) as length-prefixed chunks (a length byte L: L
// bytes when L < 0xC0, else (L - 0xC0) * 32 + 0xC0 bytes, up to 2208), whose concatenation is the
// text and whose boundaries are the feeds.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "chunker.hpp"
#include "core/utf8_simd.hpp"
#include "oracle.hpp"
#include "websock/core/utf8.hpp"

namespace {

namespace core = websock::core;
namespace detail = websock::core::detail;
using buf = std::vector<std::uint8_t>;

constexpr std::uint32_t accept = core::utf8_validator::accept_state;
constexpr std::uint32_t reject = core::utf8_validator::reject_state;

std::span<const std::byte> as_bytes(const buf& b) {
  return {reinterpret_cast<const std::byte*>(b.data()), b.size()};
}

// Returns the DFA's answer; traps if the other one-shot validators disagree.
bool check_one_shot(const buf& text) {
  const bool expected = detail::utf8_valid_dfa(text.data(), text.size());
  if (detail::avx2_available()) {
    WEBSOCK_FUZZ_CHECK(detail::utf8_valid_avx2(text.data(), text.size()) == expected);
  }
  WEBSOCK_FUZZ_CHECK(core::is_valid_utf8(as_bytes(text)) == expected);
  return expected;
}

// Feeds the pieces (each its own allocation of exactly its size, for ASan) to a validator and the
// DFA; every result must agree, and the end state must match the one-shot answer.
void check_pieces(const std::vector<buf>& pieces, bool one_shot_valid) {
  core::utf8_validator v;
  std::uint32_t ref = accept;
  for (const buf& piece : pieces) {
    ref = detail::utf8_dfa_run(ref, piece.data(), piece.size());
    WEBSOCK_FUZZ_CHECK(v.feed(as_bytes(piece)) == (ref != reject));
    WEBSOCK_FUZZ_CHECK(v.failed() == (ref == reject));
    WEBSOCK_FUZZ_CHECK(v.complete() == (ref == accept));
  }
  WEBSOCK_FUZZ_CHECK(v.complete() == one_shot_valid);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // (1) The input as the text.
  const buf text(data, data + size);
  const bool valid = check_one_shot(text);
  std::vector<buf> pieces;
  std::uint32_t seed = 2166136261u;
  for (std::size_t i = 0; i < size && i < 16; ++i) seed = (seed ^ data[i]) * 16777619u;
  for (std::size_t at = 0; at < size;) {
    seed = seed * 1103515245u + 12345u;
    const std::uint32_t r = seed >> 16;
    std::size_t n = (r & 3) == 0 ? (r >> 2) % 4 : (r >> 2) % 300;
    if (n > size - at) n = size - at;
    pieces.emplace_back(data + at, data + at + n);
    at += n;
  }
  check_pieces(pieces, valid);

  // (2) The input as length-prefixed chunks.
  websock::fuzz::chunker in(data, size);
  pieces.clear();
  buf joined;
  while (!in.empty()) {
    const std::size_t l = in.take_byte();
    const auto chunk = in.take(l < 0xC0 ? l : (l - 0xC0) * 32 + 0xC0);
    pieces.emplace_back(chunk.begin(), chunk.end());
    joined.insert(joined.end(), chunk.begin(), chunk.end());
  }
  check_pieces(pieces, check_one_shot(joined));
  return 0;
}
