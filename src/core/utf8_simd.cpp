// UTF-8 validation 32 bytes at a time with AVX2, after the method of Keiser & Lemire, "Validating
// UTF-8 In Less Than One Instruction Per Byte" (Software: Practice and Experience, 2021).
//
// Every byte is checked together with the byte before it: three 16-entry lookups (pshufb), indexed
// by the high nibble of the previous byte, its low nibble and the high nibble of the current byte,
// each give a set of error classes; their intersection is the set of errors that pair commits.
// That catches every error visible in two bytes (a lead without its continuation, a stray
// continuation, overlongs, surrogates, values above U+10FFFF, bytes that never occur). The one
// thing a pair cannot tell is whether a continuation that follows another continuation is the
// third or fourth byte of a sequence: that is true exactly when the byte two back is E0..FF or the
// byte three back is F0..FF, which is checked separately and compared with the pair class
// "continuation after continuation". The last bytes of each block are carried into the next, and
// a block that ends inside a sequence is an error unless the next block continues it. The main loop
// takes 64 bytes a step; 64 bytes of pure ASCII skip the lookups.
#include "utf8_simd.hpp"

#if defined(__x86_64__)

#include <immintrin.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace websock::core::detail {
namespace {

// Error classes, one bit each. A class is a product of three nibble sets (previous byte's high
// nibble, its low nibble, current byte's high nibble), so that ANDing the three lookups finds it.
enum : unsigned {
  too_short = 1u << 0,   // lead C0..FF, then no continuation (ASCII or another lead)
  too_long = 1u << 1,    // ASCII, then a continuation
  overlong_3 = 1u << 2,  // E0 80..9F
  too_large = 1u << 3,   // F4 90..BF, F5..FF 90..BF
  surrogate = 1u << 4,   // ED A0..BF
  overlong_2 = 1u << 5,  // C0, C1 followed by anything
  overlong_4 = 1u << 6,  // F0 80..8F, and F5..FF 80..8F (also too large; shares the bit)
  two_conts = 1u << 7,   // continuation, then a continuation: an error unless it is a 3rd/4th byte
};

struct nibble_class {
  unsigned bit;
  std::uint16_t prev_high, prev_low, cur_high;  // sets of nibbles, bit i = nibble i
};

constexpr std::uint16_t nibbles(unsigned lo, unsigned hi) {
  std::uint16_t m = 0;
  for (unsigned i = lo; i <= hi; ++i) m = static_cast<std::uint16_t>(m | (1u << i));
  return m;
}

constexpr std::uint16_t any = nibbles(0x0, 0xF);
constexpr std::uint16_t ascii = nibbles(0x0, 0x7);
constexpr std::uint16_t cont = nibbles(0x8, 0xB);
constexpr std::uint16_t lead = nibbles(0xC, 0xF);

constexpr std::array<nibble_class, 8> classes{{
    {too_short, lead, any, static_cast<std::uint16_t>(ascii | lead)},
    {too_long, ascii, any, cont},
    {two_conts, cont, any, cont},
    {overlong_2, nibbles(0xC, 0xC), nibbles(0x0, 0x1), any},
    {overlong_3, nibbles(0xE, 0xE), nibbles(0x0, 0x0), nibbles(0x8, 0x9)},
    {surrogate, nibbles(0xE, 0xE), nibbles(0xD, 0xD), nibbles(0xA, 0xB)},
    {overlong_4, nibbles(0xF, 0xF),
     static_cast<std::uint16_t>(nibbles(0x0, 0x0) | nibbles(0x5, 0xF)), nibbles(0x8, 0x8)},
    {too_large, nibbles(0xF, 0xF), nibbles(0x4, 0xF), nibbles(0x9, 0xB)},
}};

struct lookup_tables {
  std::array<std::uint8_t, 16> prev_high{}, prev_low{}, cur_high{};
};

constexpr lookup_tables build_tables() {
  lookup_tables t;
  for (const auto& c : classes) {
    for (unsigned n = 0; n < 16; ++n) {
      if (c.prev_high & (1u << n))
        t.prev_high[n] = static_cast<std::uint8_t>(t.prev_high[n] | c.bit);
      if (c.prev_low & (1u << n)) t.prev_low[n] = static_cast<std::uint8_t>(t.prev_low[n] | c.bit);
      if (c.cur_high & (1u << n)) t.cur_high[n] = static_cast<std::uint8_t>(t.cur_high[n] | c.bit);
    }
  }
  return t;
}

constexpr lookup_tables tables = build_tables();

// Subtracted (saturating) from the last block: non-zero where a sequence starts too late to end in
// the block (lead C0+ in the last byte, E0+ in the one before, F0+ in the one before that).
constexpr std::array<std::uint8_t, 32> incomplete_limits = [] {
  std::array<std::uint8_t, 32> a{};
  for (auto& b : a) b = 0xFF;
  a[29] = 0xF0 - 1;
  a[30] = 0xE0 - 1;
  a[31] = 0xC0 - 1;
  return a;
}();

#define WEBSOCK_AVX2 __attribute__((target("avx2"), always_inline)) inline

struct avx2_constants {
  __m256i prev_high, prev_low, cur_high, nibble_mask, third_limit, fourth_limit, high_bit,
      incomplete;
};

struct avx2_state {
  __m256i prev;        // the previous block
  __m256i incomplete;  // non-zero if the previous block ends inside a sequence
  __m256i error;
};

WEBSOCK_AVX2 __m256i broadcast_table(const std::array<std::uint8_t, 16>& t) {
  return _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data())));
}

// The bytes N places before each byte of `in`: `in` moved N bytes up across the whole register
// (over the lane boundary), the last N bytes of `prev` in front.
template <int N>
WEBSOCK_AVX2 __m256i previous(__m256i in, __m256i prev) {
  return _mm256_alignr_epi8(in, _mm256_permute2x128_si256(prev, in, 0x21), 16 - N);
}

// A block of pure ASCII (`last` being the last 32 bytes of it): fine, unless the previous block
// left a sequence unfinished.
WEBSOCK_AVX2 void ascii_blocks(__m256i last, avx2_state& s) {
  s.error = _mm256_or_si256(s.error, s.incomplete);
  s.incomplete = _mm256_setzero_si256();
  s.prev = last;
}

WEBSOCK_AVX2 void check_any_block(__m256i in, avx2_state& s, const avx2_constants& k) {
  const __m256i prev1 = previous<1>(in, s.prev);
  const __m256i prev1_high = _mm256_and_si256(_mm256_srli_epi16(prev1, 4), k.nibble_mask);
  const __m256i prev1_low = _mm256_and_si256(prev1, k.nibble_mask);
  const __m256i cur_high = _mm256_and_si256(_mm256_srli_epi16(in, 4), k.nibble_mask);
  const __m256i pair =
      _mm256_and_si256(_mm256_and_si256(_mm256_shuffle_epi8(k.prev_high, prev1_high),
                                        _mm256_shuffle_epi8(k.prev_low, prev1_low)),
                       _mm256_shuffle_epi8(k.cur_high, cur_high));

  // 0x80 where this byte must be the 3rd or 4th of a sequence: two back is E0+ or three back F0+.
  const __m256i third = _mm256_subs_epu8(previous<2>(in, s.prev), k.third_limit);
  const __m256i fourth = _mm256_subs_epu8(previous<3>(in, s.prev), k.fourth_limit);
  const __m256i must_continue = _mm256_and_si256(
      _mm256_cmpgt_epi8(_mm256_or_si256(third, fourth), _mm256_setzero_si256()), k.high_bit);

  s.error = _mm256_or_si256(s.error, _mm256_xor_si256(pair, must_continue));
  s.incomplete = _mm256_subs_epu8(in, k.incomplete);
  s.prev = in;
}

WEBSOCK_AVX2 void check_block(__m256i in, avx2_state& s, const avx2_constants& k) {
  if (_mm256_testz_si256(in, k.high_bit)) {
    ascii_blocks(in, s);
  } else {
    check_any_block(in, s, k);
  }
}

#undef WEBSOCK_AVX2

}  // namespace

__attribute__((target("avx2"))) bool utf8_valid_avx2(const unsigned char* data,
                                                     std::size_t size) noexcept {
  const avx2_constants k{
      broadcast_table(tables.prev_high),
      broadcast_table(tables.prev_low),
      broadcast_table(tables.cur_high),
      _mm256_set1_epi8(0x0F),
      _mm256_set1_epi8(static_cast<char>(0xE0 - 1)),
      _mm256_set1_epi8(static_cast<char>(0xF0 - 1)),
      _mm256_set1_epi8(static_cast<char>(0x80)),
      _mm256_loadu_si256(reinterpret_cast<const __m256i*>(incomplete_limits.data())),
  };
  avx2_state s{_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};

  std::size_t i = 0;
  while (size - i >= 64) {
    // 64 bytes a step, one test for ASCII; up to 2 KiB between looks at the error, so that long
    // invalid inputs fail early.
    const std::size_t end = i + std::min<std::size_t>((size - i) & ~std::size_t{63}, 2048);
    for (; i < end; i += 64) {
      const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i));
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i + 32));
      if (_mm256_testz_si256(_mm256_or_si256(a, b), k.high_bit)) {
        ascii_blocks(b, s);
      } else {
        check_any_block(a, s, k);
        check_any_block(b, s, k);
      }
    }
    if (!_mm256_testz_si256(s.error, s.error)) return false;
  }
  if (size - i >= 32) {
    check_block(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + i)), s, k);
    i += 32;
  }
  if (i < size) {
    // The last partial block, zero-padded: NUL is ASCII, so a sequence cut short still fails.
    alignas(32) unsigned char last[32] = {};
    std::memcpy(last, data + i, size - i);
    check_block(_mm256_load_si256(reinterpret_cast<const __m256i*>(last)), s, k);
  }
  s.error = _mm256_or_si256(s.error, s.incomplete);
  return _mm256_testz_si256(s.error, s.error) != 0;
}

}  // namespace websock::core::detail

#else  // not x86-64: no vector path; the DFA answers.

namespace websock::core::detail {

bool utf8_valid_avx2(const unsigned char* data, std::size_t size) noexcept {
  return utf8_valid_dfa(data, size);
}

}  // namespace websock::core::detail

#endif
