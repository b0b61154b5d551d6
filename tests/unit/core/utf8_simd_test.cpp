// Differential tests of the vector UTF-8 validator (src/core/utf8_simd.cpp) against the DFA in
// src/core/utf8.cpp, one-shot and through utf8_validator fed in pieces. The DFA is the reference
// (utf8_test.cpp checks it against RFC 3629); here every answer must be the same as its answer.
// On CPUs without AVX2 the AVX2 comparisons are skipped, and feed() runs the DFA alone, so the
// validator tests then compare the DFA with itself.
#include <gtest/gtest.h>

#include <cstdint>
#include <iostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8_simd.hpp"
#include "websock/core/utf8.hpp"

namespace websock::test {
namespace {

namespace core = websock::core;
namespace detail = websock::core::detail;
using buf = std::vector<std::uint8_t>;

constexpr std::uint32_t accept = core::utf8_validator::accept_state;
constexpr std::uint32_t reject = core::utf8_validator::reject_state;

std::string hex(std::span<const std::uint8_t> b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = std::to_string(b.size()) + " bytes:";
  for (std::size_t i = 0; i < b.size() && i < 400; ++i) {
    out += ' ';
    out += digits[b[i] >> 4];
    out += digits[b[i] & 0xF];
  }
  return out;
}

buf from_text(std::string_view s) { return buf(s.begin(), s.end()); }

std::span<const std::byte> as_bytes(std::span<const std::uint8_t> s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

bool dfa_valid(std::span<const std::uint8_t> s) {
  return detail::utf8_valid_dfa(s.data(), s.size());
}

// One-shot: the AVX2 validator and is_valid_utf8 against the DFA. The input is copied into an
// allocation of exactly its size, so that ASan reports any read past the end.
void check_one_shot(std::span<const std::uint8_t> in) {
  const buf exact(in.begin(), in.end());
  const bool expected = dfa_valid(exact);
  if (detail::avx2_available()) {
    ASSERT_EQ(detail::utf8_valid_avx2(exact.data(), exact.size()), expected) << hex(exact);
  }
  ASSERT_EQ(core::is_valid_utf8(as_bytes(exact)), expected) << hex(exact);
}

// utf8_validator fed `in` cut at `cuts` (ascending offsets) against the DFA run over the same
// pieces: every feed() result, and failed()/complete() after every piece.
void check_pieces(std::span<const std::uint8_t> in, const std::vector<std::size_t>& cuts) {
  core::utf8_validator v;
  std::uint32_t ref = accept;
  std::size_t at = 0;
  for (std::size_t k = 0; k <= cuts.size(); ++k) {
    const std::size_t end = k < cuts.size() ? cuts[k] : in.size();
    const buf piece(in.begin() + static_cast<std::ptrdiff_t>(at),
                    in.begin() + static_cast<std::ptrdiff_t>(end));
    ref = detail::utf8_dfa_run(ref, piece.data(), piece.size());
    ASSERT_EQ(v.feed(as_bytes(piece)), ref != reject)
        << "piece [" << at << ", " << end << ") of " << hex(in);
    ASSERT_EQ(v.failed(), ref == reject) << "piece [" << at << ", " << end << ") of " << hex(in);
    ASSERT_EQ(v.complete(), ref == accept) << "piece [" << at << ", " << end << ") of " << hex(in);
    at = end;
  }
}

void check_one_cut_everywhere(std::span<const std::uint8_t> in) {
  for (std::size_t cut = 0; cut <= in.size(); ++cut) {
    check_pieces(in, {cut});
    if (testing::Test::HasFatalFailure()) return;
  }
}

std::vector<std::size_t> random_cuts(std::size_t size, std::mt19937& rng) {
  std::vector<std::size_t> cuts;
  std::size_t at = 0;
  while (true) {
    // Mostly long pieces (the vector path), sometimes tiny or empty ones.
    const std::size_t n = rng() % 4 == 0 ? rng() % 4 : rng() % 120;
    if (at + n >= size) break;
    at += n;
    cuts.push_back(at);
  }
  return cuts;
}

void append_code_point(buf& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<std::uint8_t>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<std::uint8_t>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
  }
}

// A random scalar value (no surrogates), lengths 1-4 about equally likely, range edges often.
std::uint32_t random_code_point(std::mt19937& rng) {
  static constexpr std::uint32_t edges[] = {0x0,     0x7F,    0x80,    0x7FF,    0x800,   0xFFF,
                                            0x1000,  0xD7FF,  0xE000,  0xFFFD,   0xFFFF,  0x10000,
                                            0x3FFFF, 0x40000, 0xFFFFF, 0x100000, 0x10FFFF};
  if (rng() % 8 == 0) return edges[rng() % std::size(edges)];
  switch (rng() % 4) {
    case 0:
      return static_cast<std::uint32_t>(rng() % 0x80);
    case 1:
      return static_cast<std::uint32_t>(0x80 + rng() % (0x800 - 0x80));
    case 2: {
      auto cp = static_cast<std::uint32_t>(0x800 + rng() % (0x10000 - 0x800 - 0x800));
      return cp >= 0xD800 ? cp + 0x800 : cp;
    }
    default:
      return static_cast<std::uint32_t>(0x10000 + rng() % (0x110000 - 0x10000));
  }
}

buf random_valid_text(std::size_t min_size, std::mt19937& rng) {
  buf out;
  while (out.size() < min_size) append_code_point(out, random_code_point(rng));
  return out;
}

// Bytes from every class that matters to either validator (nibbles and DFA classes).
const std::vector<std::uint8_t> interesting{0x00, 0x0D, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0,
                                            0xAD, 0xBF, 0xC0, 0xC1, 0xC2, 0xCF, 0xD0, 0xDF, 0xE0,
                                            0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4,
                                            0xF5, 0xF7, 0xF8, 0xFB, 0xFC, 0xFF};

// Multilingual text: Latin, Greek, Cyrillic, CJK, emoji.
const std::string_view multilingual =
    "Gr\xc3\xbc\xc3\x9f"
    "e \xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 \xd0\x9f\xd1\x80\xd0\xb8"
    "\xd0\xb2\xd0\xb5\xd1\x82 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
    "\xf0\x9f\x98\x80\xf0\x9f\x8c\x8d "
    "\xe2\x82\xac\xc2\xa2\xf4\x8f\xbf\xbf\xee\x80\x80\xed\x9f\xbf\xe0\xa0\x80\xf0\x90\x80\x80 ";

buf multilingual_text(std::size_t min_size) {
  buf out;
  while (out.size() < min_size) out.insert(out.end(), multilingual.begin(), multilingual.end());
  return out;
}

TEST(utf8_simd, reports_whether_avx2_is_used) {
  std::cout << "AVX2 path "
            << (detail::avx2_available() ? "available: compared with the DFA"
                                         : "not available: comparisons skipped")
            << "\n";
  check_one_shot(from_text(multilingual));
}

TEST(utf8_simd, short_inputs_and_block_sizes) {
  for (std::size_t n = 0; n <= 130; ++n) {
    check_one_shot(buf(n, 'a'));
    check_one_shot(buf(n, 0));
    buf text = multilingual_text(n);
    text.resize(n);  // may cut a sequence short: then invalid, and both must say so
    check_one_shot(text);
  }
}

// (a) random byte strings, lengths 0-300, of three kinds: uniform bytes, bytes from the
// interesting classes, and valid text with a few random edits.
TEST(utf8_simd, random_strings_agree_one_shot_and_in_pieces) {
  std::mt19937 rng(2021);
  for (int iter = 0; iter < 30000; ++iter) {
    const std::size_t size = rng() % 301;
    buf in;
    switch (iter % 3) {
      case 0:
        in.resize(size);
        for (auto& b : in) b = static_cast<std::uint8_t>(rng());
        break;
      case 1:
        in.resize(size);
        for (auto& b : in) b = interesting[rng() % interesting.size()];
        break;
      default: {
        in = random_valid_text(size, rng);
        in.resize(size);
        const auto edits = static_cast<unsigned>(rng() % 3);
        for (unsigned e = 0; e < edits && !in.empty(); ++e) {
          const std::size_t at = rng() % in.size();
          switch (rng() % 3) {
            case 0:
              in[at] = interesting[rng() % interesting.size()];
              break;
            case 1:
              in.insert(in.begin() + static_cast<std::ptrdiff_t>(at),
                        interesting[rng() % interesting.size()]);
              break;
            default:
              in.erase(in.begin() + static_cast<std::ptrdiff_t>(at));
              break;
          }
        }
      }
    }
    check_one_shot(in);
    check_pieces(in, random_cuts(in.size(), rng));
    if (HasFatalFailure()) return;
  }
}

// (b) valid multilingual text, shifted by 0-3 bytes, with every byte value written at every
// position near a 32-byte block boundary.
TEST(utf8_simd, mutations_near_block_boundaries) {
  const buf base = multilingual_text(300);
  ASSERT_TRUE(dfa_valid(base));
  std::vector<std::size_t> positions;
  for (std::size_t boundary = 0; boundary <= 288; boundary += 32) {
    for (std::size_t d = 0; d < 8; ++d) {
      if (boundary + d >= 4) positions.push_back(boundary + d - 4);
    }
  }
  std::mt19937 rng(64);
  for (std::size_t shift = 0; shift < 4; ++shift) {
    buf text(shift, 'x');
    text.insert(text.end(), base.begin(), base.end());
    for (const std::size_t pos : positions) {
      if (pos >= text.size()) continue;
      for (unsigned value = 0; value < 256; ++value) {
        buf in = text;
        in[pos] = static_cast<std::uint8_t>(value);
        check_one_shot(in);
        // Pieces cut just around the mutation, and at random.
        check_pieces(in, {pos > 2 ? pos - 2 : 0, pos + 1});
        check_pieces(in, {pos});
        check_pieces(in, random_cuts(in.size(), rng));
        if (HasFatalFailure()) return;
      }
    }
  }
}

// (c) the edges of every sequence length, placed so that they straddle block boundaries in every
// way, at the end of the input or followed by more text.
TEST(utf8_simd, sequence_edges_at_every_offset) {
  const std::vector<std::string_view> sequences{
      // valid edges
      "\x7f", "\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xe0\xbf\xbf", "\xe1\x80\x80",
      "\xec\xbf\xbf", "\xed\x80\x80", "\xed\x9f\xbf", "\xee\x80\x80", "\xef\xbf\xbf",
      "\xf0\x90\x80\x80", "\xf0\xbf\xbf\xbf", "\xf1\x80\x80\x80", "\xf3\xbf\xbf\xbf",
      "\xf4\x80\x80\x80", "\xf4\x8f\xbf\xbf",
      // overlongs
      "\xc0\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xf0\x80\x80\x80",
      "\xf0\x8f\xbf\xbf",
      // surrogates
      "\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xa0\x80\xed\xb0\x80",
      // above U+10FFFF and bytes that never occur
      "\xf4\x90\x80\x80", "\xf4\xbf\xbf\xbf", "\xf5\x80\x80\x80", "\xf7\xbf\xbf\xbf",
      "\xf8\x88\x80\x80\x80", "\xfc\x84\x80\x80\x80\x80", "\xfe", "\xff",
      // stray and missing continuations
      "\x80", "\xbf", "\xc2\x80\x80", "\xe1\x80\x80\x80", "\xf1\x80\x80\x80\x80", "\xc2",
      "\xe1\x80", "\xf1\x80\x80", "\xe1", "\xf1", "\xc2\x41", "\xe1\x80\x41", "\xf1\x80\x80\x41",
      "\xe1\xc2\x80", "\xf1\x80\xe1\x80\x80"};
  const std::vector<std::string_view> suffixes{"", "a", "\xc3\xa9", "\x80", "\xe2\x82\xac"};
  for (const auto seq : sequences) {
    for (std::size_t prefix = 0; prefix <= 100; ++prefix) {
      for (const auto suffix : suffixes) {
        for (const bool ascii_prefix : {true, false}) {
          buf in;
          if (ascii_prefix) {
            in.assign(prefix, 'p');
          } else {
            // A valid multilingual prefix cut to exactly `prefix` bytes with ASCII padding.
            in = multilingual_text(prefix);
            in.resize(prefix);
            while (!in.empty() && in.back() >= 0x80) in.pop_back();
            in.resize(prefix, 'q');
          }
          in.insert(in.end(), seq.begin(), seq.end());
          in.insert(in.end(), suffix.begin(), suffix.end());
          check_one_shot(in);
          if (prefix % 16 == 0 || (prefix % 32) >= 28) {
            check_one_cut_everywhere(in);
          } else {
            check_pieces(in, {prefix});
            check_pieces(in, {prefix + 1});
          }
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

// Every 4-byte window over a set of representatives of all byte classes, at the start of a block
// and straddling a block boundary in the three possible ways, at the end of the input or followed
// by ASCII. The vector checks look at most 4 bytes back, so this covers every combination they see.
TEST(utf8_simd, every_four_byte_window_of_representative_bytes) {
  if (!detail::avx2_available()) GTEST_SKIP() << "no AVX2 on this CPU";
  const std::vector<std::uint8_t> reps{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                       0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0,
                                       0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFC, 0xFF};
  std::uint8_t block[72];  // two 32-byte blocks and a partial one
  std::size_t checked = 0;
  for (const std::size_t offset :
       {std::size_t{0}, std::size_t{29}, std::size_t{30}, std::size_t{31}, std::size_t{61},
        std::size_t{62}, std::size_t{63}}) {
    for (auto& b : block) b = 'a';
    for (const auto a : reps) {
      for (const auto b : reps) {
        for (const auto c : reps) {
          for (const auto d : reps) {
            block[offset] = a;
            block[offset + 1] = b;
            block[offset + 2] = c;
            block[offset + 3] = d;
            for (const std::size_t size : {offset + 4, offset + 4 + 3, std::size_t{72}}) {
              const bool expected = detail::utf8_valid_dfa(block, size);
              if (detail::utf8_valid_avx2(block, size) != expected) {
                FAIL() << hex({block, size}) << ": DFA " << expected;
              }
              ++checked;
            }
          }
        }
      }
    }
  }
  EXPECT_GT(checked, 1000000u);
}

// (d) long texts fed in random pieces (with and without an error somewhere), and every split of
// medium-sized texts into two and three pieces.
TEST(utf8_simd, validator_pieces_agree_with_the_dfa) {
  std::mt19937 rng(6455);
  for (int iter = 0; iter < 300; ++iter) {
    buf in = iter % 2 ? random_valid_text(rng() % 5000, rng) : multilingual_text(rng() % 5000);
    if (iter % 3 == 1 && !in.empty())
      in[rng() % in.size()] = interesting[rng() % interesting.size()];
    if (iter % 5 == 2 && !in.empty()) in.pop_back();  // maybe a truncated last sequence
    check_one_shot(in);
    for (int k = 0; k < 10; ++k) check_pieces(in, random_cuts(in.size(), rng));
    if (HasFatalFailure()) return;
  }
  for (int iter = 0; iter < 40; ++iter) {
    buf in = random_valid_text(90 + rng() % 40, rng);
    if (iter % 2) in[rng() % in.size()] = interesting[rng() % interesting.size()];
    for (std::size_t c1 = 0; c1 <= in.size(); ++c1) {
      check_pieces(in, {c1});
      for (std::size_t c2 = c1; c2 <= in.size(); c2 += 1 + rng() % 7) check_pieces(in, {c1, c2});
      if (HasFatalFailure()) return;
    }
  }
}

TEST(utf8_simd, validator_fails_fast_in_the_piece_holding_the_first_bad_byte) {
  // Long valid pieces, then a piece with one bad byte late in it: that feed fails, not a later one.
  const buf text = multilingual_text(4000);
  for (std::size_t bad = 3000; bad < 3100; ++bad) {
    buf in = text;
    in[bad] = 0xFF;
    core::utf8_validator v;
    const std::span<const std::uint8_t> all{in};
    ASSERT_TRUE(v.feed(as_bytes(all.subspan(0, 1000))));
    ASSERT_TRUE(v.feed(as_bytes(all.subspan(1000, 2000))));
    ASSERT_FALSE(v.feed(as_bytes(all.subspan(3000, 200)))) << bad;
    ASSERT_TRUE(v.failed());
    ASSERT_FALSE(v.feed(as_bytes(all.subspan(3200))));
  }
}

TEST(utf8_simd, truncated_sequence_at_the_end_of_a_long_piece_is_not_an_error_yet) {
  const buf text = multilingual_text(1000);
  for (const std::string_view start :
       {"\xc3", "\xe2", "\xe2\x82", "\xf0", "\xf0\x9f", "\xf0\x9f\x98"}) {
    for (std::size_t size = 30; size < 200; ++size) {
      buf in(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(size));
      while (!in.empty() && in.back() >= 0x80) in.pop_back();  // end on a boundary
      in.insert(in.end(), start.begin(), start.end());
      core::utf8_validator v;
      ASSERT_TRUE(v.feed(as_bytes(in))) << hex(in);
      ASSERT_FALSE(v.complete());
      ASSERT_FALSE(v.failed());
      ASSERT_FALSE(core::is_valid_utf8(as_bytes(in)));
    }
  }
}

}  // namespace
}  // namespace websock::test
