// RFC 3629 UTF-8, as RFC 6455 section 8.1 requires of text messages: incremental, fail-fast.
#include "websock/core/utf8.hpp"

#include <gtest/gtest.h>

#include <random>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

// Reference from RFC 3629 section 4's table. Returns the index of the first byte at which the input
// stops being a prefix of valid UTF-8, or npos; `complete` tells whether it ends on a boundary.
struct reference_result {
  std::size_t first_bad = std::string::npos;
  bool complete = true;
};

reference_result reference_check(std::span<const std::byte> in) {
  reference_result r;
  std::size_t i = 0;
  while (i < in.size()) {
    const auto b = std::to_integer<unsigned>(in[i]);
    unsigned need = 0;
    unsigned lo = 0x80, hi = 0xBF;  // range of the second byte
    if (b <= 0x7F) {
      ++i;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b == 0xE0) {
      need = 2, lo = 0xA0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      need = 2;
    } else if (b == 0xED) {
      need = 2, hi = 0x9F;
    } else if (b == 0xF0) {
      need = 3, lo = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      need = 3;
    } else if (b == 0xF4) {
      need = 3, hi = 0x8F;
    } else {
      r.first_bad = i;
      return r;
    }
    for (unsigned k = 1; k <= need; ++k) {
      if (i + k >= in.size()) {
        r.complete = false;
        return r;
      }
      const auto c = std::to_integer<unsigned>(in[i + k]);
      const unsigned l = k == 1 ? lo : 0x80;
      const unsigned h = k == 1 ? hi : 0xBF;
      if (c < l || c > h) {
        r.first_bad = i + k;
        return r;
      }
    }
    i += need + 1;
  }
  return r;
}

// Feeds one byte at a time; returns the index of the byte whose feed() first returned false.
std::size_t fail_index_bytewise(std::span<const std::byte> in) {
  core::utf8_validator v;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (!v.feed(in.subspan(i, 1))) return i;
  }
  return std::string::npos;
}

void expect_agrees_with_reference(std::span<const std::byte> in) {
  const auto ref = reference_check(in);
  const bool valid = ref.first_bad == std::string::npos && ref.complete;
  ASSERT_EQ(core::is_valid_utf8(in), valid) << to_hex(in);
  core::utf8_validator v;
  const bool fed = v.feed(in);
  ASSERT_EQ(fed, ref.first_bad == std::string::npos) << to_hex(in);
  ASSERT_EQ(v.failed(), ref.first_bad == std::string::npos ? false : true) << to_hex(in);
  ASSERT_EQ(v.complete(), valid) << to_hex(in);
  ASSERT_EQ(fail_index_bytewise(in), ref.first_bad) << to_hex(in);
}

TEST(utf8, empty_input_is_valid_and_complete) {
  core::utf8_validator v;
  EXPECT_TRUE(v.complete());
  EXPECT_FALSE(v.failed());
  EXPECT_TRUE(v.feed(std::string_view{}));
  EXPECT_TRUE(v.complete());
  EXPECT_TRUE(core::is_valid_utf8(std::string_view{}));
}

TEST(utf8, accepts_ascii_and_multibyte_text) {
  EXPECT_TRUE(core::is_valid_utf8("Hello, world!"));
  EXPECT_TRUE(core::is_valid_utf8("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"));  // kosme
  EXPECT_TRUE(core::is_valid_utf8("Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!"));
  EXPECT_TRUE(core::is_valid_utf8(std::string_view("\0", 1)));  // U+0000 is a character
}

TEST(utf8, boundary_code_points_accepted) {
  for (const char* hex : {"00", "7f", "c280", "dfbf", "e0a080", "efbfbf", "f0908080", "f48fbfbf",
                          "ed9fbf" /* U+D7FF */, "ee8080" /* U+E000 */, "efbfbd" /* U+FFFD */,
                          "efbfbe" /* noncharacter U+FFFE */, "f48fbfbe" /* U+10FFFE */}) {
    EXPECT_TRUE(core::is_valid_utf8(from_hex(hex))) << hex;
  }
}

TEST(utf8, surrogates_rejected) {
  for (const char* hex : {"eda080", "edadbf", "edae80", "edafbf", "edb080", "edbe80", "edbfbf",
                          "eda080edb080"}) {
    EXPECT_FALSE(core::is_valid_utf8(from_hex(hex))) << hex;
    EXPECT_EQ(fail_index_bytewise(from_hex(hex)), 1u) << hex << ": the second byte is the bad one";
  }
}

TEST(utf8, code_points_above_10ffff_rejected) {
  EXPECT_FALSE(core::is_valid_utf8(from_hex("f4908080")));
  EXPECT_EQ(fail_index_bytewise(from_hex("f4908080")), 1u);
  for (unsigned lead = 0xF5; lead <= 0xFF; ++lead) {
    const bytes b{std::byte(lead), std::byte{0x80}, std::byte{0x80}, std::byte{0x80}};
    EXPECT_FALSE(core::is_valid_utf8(b)) << lead;
    EXPECT_EQ(fail_index_bytewise(b), 0u) << "lead byte " << lead << " can never start UTF-8";
  }
}

TEST(utf8, overlong_forms_rejected) {
  for (const char* hex : {"c0af", "c1bf", "c080", "e080af", "e09fbf", "e08080", "f08080af",
                          "f08fbfbf", "f0808080"}) {
    EXPECT_FALSE(core::is_valid_utf8(from_hex(hex))) << hex;
  }
  EXPECT_EQ(fail_index_bytewise(from_hex("c0af")), 0u);
  EXPECT_EQ(fail_index_bytewise(from_hex("c1bf")), 0u);
  EXPECT_EQ(fail_index_bytewise(from_hex("e09fbf")), 1u);
  EXPECT_EQ(fail_index_bytewise(from_hex("f08fbfbf")), 1u);
}

TEST(utf8, stray_continuation_bytes_rejected) {
  for (unsigned b = 0x80; b <= 0xBF; ++b) {
    EXPECT_FALSE(core::is_valid_utf8(bytes{std::byte(b)})) << b;
    EXPECT_EQ(fail_index_bytewise(concat({as_span("abc"), bytes{std::byte(b)}})), 3u) << b;
  }
}

TEST(utf8, truncated_sequence_is_incomplete_but_not_failed) {
  for (const char* hex : {"ce", "e1", "e1bd", "f0", "f090", "f09080", "f4", "f48f"}) {
    core::utf8_validator v;
    EXPECT_TRUE(v.feed(from_hex(hex))) << hex;
    EXPECT_FALSE(v.failed()) << hex;
    EXPECT_FALSE(v.complete()) << hex;
    EXPECT_FALSE(core::is_valid_utf8(from_hex(hex))) << hex;
  }
}

TEST(utf8, truncated_sequence_followed_by_ascii_fails_at_the_ascii_byte) {
  EXPECT_EQ(fail_index_bytewise(from_hex("e1bd41")), 2u);
  EXPECT_EQ(fail_index_bytewise(from_hex("c220")), 1u);
}

TEST(utf8, code_point_split_across_feeds_at_every_boundary) {
  const bytes text = to_bytes("a\xc2\xa2 \xe2\x82\xac \xf0\xa4\xad\xa2 \xce\xba\xe1\xbd\xb9");
  for (std::size_t cut1 = 0; cut1 <= text.size(); ++cut1) {
    for (std::size_t cut2 = cut1; cut2 <= text.size(); ++cut2) {
      core::utf8_validator v;
      const std::span<const std::byte> all{text};
      EXPECT_TRUE(v.feed(all.subspan(0, cut1)));
      EXPECT_TRUE(v.feed(all.subspan(cut1, cut2 - cut1)));
      EXPECT_TRUE(v.feed(all.subspan(cut2)));
      EXPECT_TRUE(v.complete()) << cut1 << "/" << cut2;
    }
  }
}

TEST(utf8, fails_at_first_bad_byte_even_when_split) {
  // kosme + ED A0 80 (a surrogate) + "edited": the first bad byte is A0 at offset 12.
  const bytes text = concat({from_hex("cebae1bdb9cf83cebcceb5eda080"), as_span("edited")});
  EXPECT_EQ(fail_index_bytewise(text), 12u);
  core::utf8_validator v;
  EXPECT_TRUE(v.feed(std::span{text}.subspan(0, 12)));
  EXPECT_FALSE(v.feed(std::span{text}.subspan(12, 1)));
  EXPECT_TRUE(v.failed());
}

TEST(utf8, stays_failed_until_reset) {
  core::utf8_validator v;
  EXPECT_FALSE(v.feed(from_hex("ff")));
  EXPECT_TRUE(v.failed());
  EXPECT_FALSE(v.complete());
  EXPECT_FALSE(v.feed(std::string_view("plain ascii")));
  EXPECT_TRUE(v.failed());
  v.reset();
  EXPECT_FALSE(v.failed());
  EXPECT_TRUE(v.complete());
  EXPECT_TRUE(v.feed(std::string_view("plain ascii")));
  EXPECT_TRUE(v.complete());
}

TEST(utf8, reset_discards_a_partial_code_point) {
  core::utf8_validator v;
  EXPECT_TRUE(v.feed(from_hex("e2 82")));
  v.reset();
  EXPECT_TRUE(v.complete());
  EXPECT_FALSE(v.feed(from_hex("ac")));  // a continuation byte on its own after the reset
}

TEST(utf8, bad_byte_after_long_ascii_run_at_every_position) {
  // Catches ASCII fast paths that skip blocks without looking at every byte.
  for (std::size_t len = 0; len < 80; ++len) {
    for (std::size_t at = 0; at < len; ++at) {
      bytes b = repeat("abcdefghijklmnop", len);
      b[at] = std::byte{0x80};
      ASSERT_FALSE(core::is_valid_utf8(b)) << "len " << len << " bad byte at " << at;
      ASSERT_EQ(fail_index_bytewise(b), at);
      core::utf8_validator v;
      ASSERT_FALSE(v.feed(b)) << "len " << len << " bad byte at " << at;
    }
  }
}

TEST(utf8, multibyte_after_long_ascii_run_is_decoded) {
  for (std::size_t len = 0; len < 80; ++len) {
    bytes ok = repeat("x", len);
    append(ok, from_hex("f09f9880"));  // U+1F600
    append(ok, repeat("y", 20));
    EXPECT_TRUE(core::is_valid_utf8(ok)) << len;
    bytes truncated = repeat("x", len);
    append(truncated, from_hex("f09f98"));
    EXPECT_FALSE(core::is_valid_utf8(truncated)) << len;
    core::utf8_validator v;
    EXPECT_TRUE(v.feed(truncated));
    EXPECT_FALSE(v.complete());
  }
}

TEST(utf8, agrees_with_rfc3629_for_every_one_and_two_byte_input) {
  for (unsigned a = 0; a < 256; ++a) {
    expect_agrees_with_reference(bytes{std::byte(a)});
    for (unsigned b = 0; b < 256; ++b) expect_agrees_with_reference(bytes{std::byte(a), std::byte(b)});
  }
}

TEST(utf8, agrees_with_rfc3629_for_every_three_byte_input_with_a_multibyte_lead) {
  for (unsigned a = 0xC0; a < 256; ++a) {
    for (unsigned b = 0x70; b < 0xD0; ++b) {
      for (unsigned c = 0x70; c < 0xD0; ++c) {
        const bytes in{std::byte(a), std::byte(b), std::byte(c)};
        const auto ref = reference_check(in);
        core::utf8_validator v;
        ASSERT_EQ(v.feed(in), ref.first_bad == std::string::npos) << to_hex(in);
        ASSERT_EQ(v.complete(), ref.first_bad == std::string::npos && ref.complete) << to_hex(in);
      }
    }
  }
}

TEST(utf8, agrees_with_rfc3629_on_random_inputs_fed_in_random_pieces) {
  std::mt19937 rng(3629);
  // Bytes drawn mostly from the interesting region so that near-valid sequences are common.
  const std::vector<std::uint8_t> pool{0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0,
                                       0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0,
                                       0xF1, 0xF3, 0xF4, 0xF5, 0xFE, 0xFF};
  for (int iter = 0; iter < 20000; ++iter) {
    bytes in(rng() % 12);
    for (auto& b : in) b = std::byte{pool[rng() % pool.size()]};
    const auto ref = reference_check(in);
    core::utf8_validator v;
    std::size_t at = 0;
    std::size_t failed_piece_end = std::string::npos;
    while (at < in.size()) {
      const std::size_t n = std::min<std::size_t>(1 + rng() % 4, in.size() - at);
      if (!v.feed(std::span{in}.subspan(at, n)) && failed_piece_end == std::string::npos) {
        failed_piece_end = at + n;
      }
      at += n;
    }
    if (ref.first_bad == std::string::npos) {
      ASSERT_EQ(failed_piece_end, std::string::npos) << to_hex(in);
      ASSERT_EQ(v.complete(), ref.complete) << to_hex(in);
    } else {
      // Fail-fast: the piece holding the first bad byte is the one that reports it.
      ASSERT_NE(failed_piece_end, std::string::npos) << to_hex(in);
      ASSERT_GT(failed_piece_end, ref.first_bad) << to_hex(in);
      ASSERT_TRUE(v.failed());
    }
  }
}

TEST(utf8, long_valid_text_mixing_all_lengths) {
  std::mt19937 rng(8);
  bytes text;
  for (int i = 0; i < 10000; ++i) {
    switch (rng() % 4) {
      case 0: append(text, as_span("A")); break;
      case 1: append(text, from_hex("c3a9")); break;
      case 2: append(text, from_hex("e282ac")); break;
      default: append(text, from_hex("f09f9880")); break;
    }
  }
  EXPECT_TRUE(core::is_valid_utf8(text));
  text.push_back(std::byte{0xC3});
  EXPECT_FALSE(core::is_valid_utf8(text));
}

}  // namespace
}  // namespace websock::test
