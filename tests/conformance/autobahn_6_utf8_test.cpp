// Autobahn group 6: UTF-8 handling. Valid text is echoed; invalid text fails with 1007, from the
// peer, and in 6.4.x right after the part that holds the first bad byte.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

// The 29-byte text of 6.2.x: "Hello-µ@ßöäüàá-UTF-8!!".
const bytes hello_utf8 = from_hex("48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121");
// 6.3.x: kosme + U+D800 (a surrogate) + "edited"; the first bad byte is A0 at offset 12.
const bytes kosme_surrogate_edited = concat({as_span(kosme), from_hex("eda080"), as_span("edited")});

std::vector<bytes> one_byte_frames(fuzzer& fz, std::span<const std::byte> text) {
  std::vector<bytes> frames;
  for (std::size_t i = 0; i < text.size(); ++i) {
    frames.push_back(fz.frame(i == 0 ? op::text : op::continuation, text.subspan(i, 1), i + 1 == text.size()));
  }
  return frames;
}

bytes joined(const std::vector<bytes>& frames) {
  bytes out;
  for (const auto& f : frames) append(out, f);
  return out;
}

// ================================================================= 6.1 empty payloads

TEST(autobahn_6, case_6_1_1_empty_text) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::text, ""));
  EXPECT_EQ(peer.received, (observed_list{text("")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_6, case_6_1_2_three_empty_fragments) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::text, "", false), fz.frame(op::continuation, "", false), fz.frame(op::continuation, "")}));
  EXPECT_EQ(peer.received, (observed_list{text("")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_6, case_6_1_3_empty_first_and_last_fragments) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::text, "", false), fz.frame(op::continuation, "middle frame payload", false),
                     fz.frame(op::continuation, "")}));
  EXPECT_EQ(peer.received, (observed_list{text("middle frame payload")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

// ================================================================= 6.2 valid text, split

TEST(autobahn_6, case_6_2_1_valid_text_one_frame) {
  fuzzer fz;
  echo_peer peer;
  ASSERT_EQ(hello_utf8.size(), 29u);
  peer.write(fz.frame(op::text, hello_utf8));
  EXPECT_EQ(peer.received, (observed_list{text(hello_utf8)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_6, case_6_2_2_valid_text_split_on_code_point_boundary) {
  fuzzer fz;
  echo_peer peer;
  const std::span<const std::byte> all{hello_utf8};
  peer.write(concat({fz.frame(op::text, all.subspan(0, 15), false), fz.frame(op::continuation, all.subspan(15))}));
  EXPECT_EQ(peer.received, (observed_list{text(hello_utf8)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_6, case_6_2_3_valid_text_one_byte_frames) {
  fuzzer fz;
  echo_peer peer;
  peer.write(joined(one_byte_frames(fz, hello_utf8)));
  EXPECT_EQ(peer.received, (observed_list{text(hello_utf8)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_6, case_6_2_4_kosme_one_byte_frames) {
  fuzzer fz;
  echo_peer peer;
  peer.write(joined(one_byte_frames(fz, as_span(kosme))));
  EXPECT_EQ(peer.received, (observed_list{text(kosme)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

// ================================================================= 6.3 invalid text

TEST(autobahn_6, case_6_3_1_surrogate_in_one_frame) {
  fuzzer fz;
  echo_peer peer;
  ASSERT_EQ(kosme_surrogate_edited.size(), 20u);
  peer.write(fz.frame(op::text, kosme_surrogate_edited));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1007);
}

TEST(autobahn_6, case_6_3_2_surrogate_in_one_byte_frames) {
  fuzzer fz;
  echo_peer peer;
  const auto frames = one_byte_frames(fz, kosme_surrogate_edited);
  peer.write(joined(frames));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1007);
  // Fail-fast, checked frame by frame: the 13th frame carries the first bad byte.
  fuzzer fz2;
  echo_peer stepwise;
  const auto frames2 = one_byte_frames(fz2, kosme_surrogate_edited);
  for (std::size_t i = 0; i < frames2.size(); ++i) {
    stepwise.write(frames2[i]);
    EXPECT_EQ(stepwise.peer_closes.size(), i >= 12 ? 1u : 0u) << "after frame " << i + 1;
  }
}

// ================================================================= 6.4 fail fast

// Three parts with a pause after each of the first two: the peer must have failed with 1007 after
// part 2 (marker A only), not only after part 3.
void expect_fail_fast(echo_peer& peer, std::span<const std::byte> p1, std::span<const std::byte> p2,
                      std::span<const std::byte> p3) {
  peer.write(p1);
  EXPECT_TRUE(peer.peer_closes.empty()) << "failed before marker A";
  EXPECT_TRUE(peer.received.empty());
  peer.write(p2);
  EXPECT_EQ(peer.peer_closes, (std::vector<std::uint16_t>{1007})) << "not failed right after part 2 (NON-STRICT)";
  peer.write(p3);
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1007);
}

TEST(autobahn_6, case_6_4_1_code_point_beyond_unicode_in_its_own_frame) {
  fuzzer fz;
  echo_peer peer;
  const bytes p1 = fz.frame(op::text, kosme, false);
  const bytes p2 = fz.frame(op::continuation, from_hex("f4908080"), false);
  const bytes p3 = fz.frame(op::continuation, "edited");
  expect_fail_fast(peer, p1, p2, p3);
}

TEST(autobahn_6, case_6_4_2_bad_byte_alone_in_its_frame) {
  fuzzer fz;
  echo_peer peer;
  const bytes p1 = fz.frame(op::text, concat({as_span(kosme), from_hex("f4")}), false);
  const bytes p2 = fz.frame(op::continuation, from_hex("90"), false);
  const bytes p3 = fz.frame(op::continuation, concat({from_hex("8080"), as_span("edited")}));
  expect_fail_fast(peer, p1, p2, p3);
}

TEST(autobahn_6, case_6_4_3_one_frame_in_three_chops) {
  fuzzer fz;
  echo_peer peer;
  const bytes payload = concat({as_span(kosme), from_hex("f4908080"), as_span("edited")});
  ASSERT_EQ(payload.size(), 21u);
  const bytes frame = fz.frame(op::text, payload);
  const std::size_t header = frame.size() - 21;
  const std::span<const std::byte> all{frame};
  expect_fail_fast(peer, all.subspan(0, header + 11), all.subspan(header + 11, 4), all.subspan(header + 15));
}

TEST(autobahn_6, case_6_4_4_one_frame_split_on_the_bad_byte) {
  fuzzer fz;
  echo_peer peer;
  const bytes payload = concat({as_span(kosme), from_hex("f4908080"), as_span("edited")});
  const bytes frame = fz.frame(op::text, payload);
  const std::size_t header = frame.size() - 21;
  const std::span<const std::byte> all{frame};
  expect_fail_fast(peer, all.subspan(0, header + 12), all.subspan(header + 12, 1), all.subspan(header + 13));
}

// ================================================================= 6.5-6.23 Kuhn's stress vectors

struct utf8_case {
  std::string id;
  bytes text;
  bool valid;
};

std::vector<utf8_case> utf8_cases() {
  std::vector<utf8_case> out;
  auto group = [&](int sub, const std::vector<std::pair<bytes, bool>>& vectors) {
    int n = 0;
    for (const auto& [text, valid] : vectors) {
      out.push_back({"6." + std::to_string(sub) + "." + std::to_string(++n), text, valid});
    }
  };
  auto hex_group = [&](int sub, std::initializer_list<const char*> hexes, bool valid) {
    std::vector<std::pair<bytes, bool>> v;
    for (const char* h : hexes) v.emplace_back(from_hex(h), valid);
    group(sub, v);
  };
  auto lead_then_space = [](unsigned lo, unsigned hi_exclusive) {
    bytes b;
    for (unsigned lead = lo; lead < hi_exclusive; ++lead) {
      b.push_back(std::byte(lead));
      b.push_back(std::byte{0x20});
    }
    return b;
  };

  // 6.5 assorted valid strings.
  group(5, {{to_bytes("hello$world"), true},
            {concat({as_span("hello"), from_hex("c2a2"), as_span("world")}), true},
            {concat({as_span("hello"), from_hex("e282ac"), as_span("world")}), true},
            {concat({as_span("hello"), from_hex("f0a4ada2"), as_span("world")}), true},
            {to_bytes(kosme), true}});
  // 6.6 every prefix of kosme: valid exactly when it ends on a code point boundary.
  {
    std::vector<std::pair<bytes, bool>> v;
    for (std::size_t n = 1; n <= kosme.size(); ++n) {
      v.emplace_back(to_bytes(kosme.substr(0, n)), n == 2 || n == 5 || n == 7 || n == 9 || n == 11);
    }
    group(6, v);
  }
  hex_group(7, {"00", "c280", "e0a080", "f0908080"}, true);
  hex_group(8, {"f888808080", "fc8480808080"}, false);
  hex_group(9, {"7f", "dfbf", "efbfbf", "f48fbfbf"}, true);
  hex_group(10, {"f7bfbfbf", "fbbfbfbfbf", "fdbfbfbfbfbf"}, false);
  group(11, {{from_hex("ed9fbf"), true},
             {from_hex("ee8080"), true},
             {from_hex("efbfbd"), true},
             {from_hex("f48fbfbf"), true},
             {from_hex("f4908080"), false}});
  {
    bytes all_continuations;
    for (unsigned b = 0x80; b <= 0xBE; ++b) all_continuations.push_back(std::byte(b));
    group(12, {{from_hex("80"), false},
               {from_hex("bf"), false},
               {from_hex("80bf"), false},
               {from_hex("80bf80"), false},
               {from_hex("80bf80bf"), false},
               {from_hex("80bf80bf80"), false},
               {from_hex("80bf80bf80bf"), false},
               {all_continuations, false}});
  }
  group(13, {{lead_then_space(0xC0, 0xDF), false},
             {lead_then_space(0xE0, 0xEF), false},
             {lead_then_space(0xF0, 0xF7), false},
             {lead_then_space(0xF8, 0xFB), false},
             {lead_then_space(0xFC, 0xFD), false}});
  const std::initializer_list<const char*> truncated = {"c0", "e080", "f08080", "f8808080", "fc80808080",
                                                        "df", "efbf", "f7bfbf", "fbbfbfbf", "fdbfbfbfbf"};
  hex_group(14, truncated, false);
  {
    bytes all;
    for (const char* h : truncated) append(all, from_hex(h));
    group(15, {{all, false}});
  }
  hex_group(16, {"fe", "ff", "fefeffff"}, false);
  hex_group(17, {"c0af", "e080af", "f08080af", "f8808080af", "fc80808080af"}, false);
  hex_group(18, {"c1bf", "e09fbf", "f08fbfbf", "f887bfbfbf", "fc83bfbfbfbf"}, false);
  hex_group(19, {"c080", "e08080", "f0808080", "f880808080", "fc8080808080"}, false);
  hex_group(20, {"eda080", "edadbf", "edae80", "edafbf", "edb080", "edbe80", "edbfbf"}, false);
  {
    std::vector<std::pair<bytes, bool>> v;
    for (const char* high : {"eda080", "edadbf", "edae80", "edafbf"}) {
      for (const char* low : {"edb080", "edbfbf"}) v.emplace_back(concat({from_hex(high), from_hex(low)}), false);
    }
    group(21, v);
  }
  {
    std::vector<std::pair<bytes, bool>> v{{from_hex("efbfbe"), true}, {from_hex("efbfbf"), true}};
    for (unsigned x = 0; x <= 4; ++x) {
      for (unsigned y : {0x8u, 0x9u, 0xAu, 0xBu}) {
        if (x == 0 && y == 0x8) continue;  // F0 8F would be overlong
        if (x == 4 && y != 0x8) continue;  // F4 stops at 8F (U+10FFFF)
        for (unsigned z : {0xEu, 0xFu}) {
          v.emplace_back(bytes{std::byte(0xF0 + x), std::byte((y << 4) | 0xF), std::byte{0xBF}, std::byte(0xB0 | z)}, true);
        }
      }
    }
    group(22, v);
  }
  hex_group(23, {"efbfb9", "efbfba", "efbfbb", "efbfbc", "efbfbd", "efbfbe", "efbfbf"}, true);
  return out;
}

TEST(autobahn_6, vector_table_matches_the_catalogue) {
  const auto cases = utf8_cases();
  EXPECT_EQ(cases.size(), 132u);
  auto find = [&](const std::string& id) -> const utf8_case& {
    for (const auto& c : cases) {
      if (c.id == id) return c;
    }
    static const utf8_case none{};
    ADD_FAILURE() << "no case " << id;
    return none;
  };
  EXPECT_EQ(find("6.12.8").text.size(), 63u);
  EXPECT_EQ(find("6.13.1").text.size(), 62u);
  EXPECT_EQ(find("6.13.5").text, from_hex("fc20"));
  EXPECT_EQ(find("6.15.1").text.size(), 30u);
  EXPECT_EQ(find("6.21.1").text, from_hex("eda080edb080"));
  EXPECT_EQ(find("6.21.8").text, from_hex("edafbfedbfbf"));
  EXPECT_EQ(find("6.22.3").text, from_hex("f09fbfbe"));
  EXPECT_EQ(find("6.22.5").text, from_hex("f0afbfbe"));
  EXPECT_EQ(find("6.22.32").text, from_hex("f3bfbfbf"));
  EXPECT_EQ(find("6.22.34").text, from_hex("f48fbfbf"));
  EXPECT_EQ(find("6.23.7").text, from_hex("efbfbf"));
}

class autobahn_6_stress : public ::testing::TestWithParam<utf8_case> {};

void judge(echo_peer& peer, fuzzer& fz, const utf8_case& c) {
  if (c.valid) {
    EXPECT_EQ(peer.received, (observed_list{text(c.text)}));
    expect_fuzzer_closes_cleanly(peer, fz);
  } else {
    EXPECT_TRUE(peer.received.empty()) << "invalid text was echoed";
    expect_peer_fails(peer, 1007);
  }
}

TEST_P(autobahn_6_stress, one_frame) {
  const auto& c = GetParam();
  SCOPED_TRACE(to_hex(c.text));
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::text, c.text));
  judge(peer, fz, c);
}

TEST_P(autobahn_6_stress, one_frame_chop_1) {
  const auto& c = GetParam();
  SCOPED_TRACE(to_hex(c.text));
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::text, c.text), 1);
  judge(peer, fz, c);
}

INSTANTIATE_TEST_SUITE_P(utf8, autobahn_6_stress, ::testing::ValuesIn(utf8_cases()),
                         [](const ::testing::TestParamInfo<utf8_case>& p) { return case_name(p.param.id); });

}  // namespace
}  // namespace websock::test::autobahn
