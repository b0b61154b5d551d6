// Autobahn group 5: fragmentation. "T" text, "C" continuation; /0 FIN clear, /1 FIN set.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

enum class granularity { one_write, per_frame, chop_1 };

void write_as(echo_peer& peer, const std::vector<bytes>& frames, granularity g) {
  bytes all;
  for (const auto& f : frames) append(all, f);
  switch (g) {
    case granularity::one_write: peer.write(all); break;
    case granularity::per_frame: peer.write_frames(frames); break;
    case granularity::chop_1: peer.write(all, 1); break;
  }
}

TEST(autobahn_5, case_5_1_fragmented_ping) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::ping, "fragment1", false), fz.frame(op::continuation, "fragment2")}));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_5, case_5_2_fragmented_pong) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::pong, "fragment1", false), fz.frame(op::continuation, "fragment2")}));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1002);
}

void two_fragments(granularity g) {
  fuzzer fz;
  echo_peer peer;
  write_as(peer, {fz.frame(op::text, "fragment1", false), fz.frame(op::continuation, "fragment2")}, g);
  EXPECT_EQ(peer.received, (observed_list{text("fragment1fragment2")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_5, case_5_3_two_fragments_one_write) { two_fragments(granularity::one_write); }
TEST(autobahn_5, case_5_4_two_fragments_per_frame) { two_fragments(granularity::per_frame); }
TEST(autobahn_5, case_5_5_two_fragments_chop_1) { two_fragments(granularity::chop_1); }

void fragments_with_ping(granularity g) {
  fuzzer fz;
  echo_peer peer;
  write_as(peer,
           {fz.frame(op::text, "fragment1", false), fz.frame(op::ping, "ping payload"),
            fz.frame(op::continuation, "fragment2")},
           g);
  EXPECT_EQ(peer.received, (observed_list{pong("ping payload"), text("fragment1fragment2")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_5, case_5_6_ping_between_fragments_one_write) { fragments_with_ping(granularity::one_write); }
TEST(autobahn_5, case_5_7_ping_between_fragments_per_frame) { fragments_with_ping(granularity::per_frame); }
TEST(autobahn_5, case_5_8_ping_between_fragments_chop_1) { fragments_with_ping(granularity::chop_1); }

void stray_continuation(bool fin, granularity g) {
  fuzzer fz;
  echo_peer peer;
  write_as(peer, {fz.frame(op::continuation, "non-continuation payload", fin), fz.frame(op::text, "Hello, world!")}, g);
  EXPECT_TRUE(peer.received.empty()) << "no echo at all";
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_5, case_5_9_stray_final_continuation_one_write) { stray_continuation(true, granularity::one_write); }
TEST(autobahn_5, case_5_10_stray_final_continuation_per_frame) { stray_continuation(true, granularity::per_frame); }
TEST(autobahn_5, case_5_11_stray_final_continuation_chop_1) { stray_continuation(true, granularity::chop_1); }
TEST(autobahn_5, case_5_12_stray_continuation_one_write) { stray_continuation(false, granularity::one_write); }
TEST(autobahn_5, case_5_13_stray_continuation_per_frame) { stray_continuation(false, granularity::per_frame); }
TEST(autobahn_5, case_5_14_stray_continuation_chop_1) { stray_continuation(false, granularity::chop_1); }

TEST(autobahn_5, case_5_15_stray_continuation_after_complete_message) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::text, "fragment1", false), fz.frame(op::continuation, "fragment2"),
                     fz.frame(op::continuation, "fragment3", false), fz.frame(op::text, "fragment4")}));
  EXPECT_EQ(peer.received, (observed_list{text("fragment1fragment2")}));
  expect_peer_fails(peer, 1002);
}

void triples(std::size_t first_fin) {
  fuzzer fz;
  echo_peer peer;
  bytes all;
  for (int i = 0; i < 2; ++i) {
    append(all, fz.frame(op::continuation, "fragment1", first_fin != 0));
    append(all, fz.frame(op::text, "fragment2", false));
    append(all, fz.frame(op::continuation, "fragment3"));
  }
  peer.write(all);
  EXPECT_TRUE(peer.received.empty()) << "fail on the very first frame";
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_5, case_5_16_leading_continuation_twice) { triples(0); }
TEST(autobahn_5, case_5_17_leading_final_continuation_twice) { triples(1); }

TEST(autobahn_5, case_5_18_text_instead_of_continuation) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::text, "fragment1", false), fz.frame(op::text, "fragment2")}));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1002);
}

std::vector<bytes> case_5_19_frames(fuzzer& fz) {
  return {fz.frame(op::text, "fragment1", false),    fz.frame(op::continuation, "fragment2", false),
          fz.frame(op::ping, "pongme 1!"),           fz.frame(op::continuation, "fragment3", false),
          fz.frame(op::continuation, "fragment4", false), fz.frame(op::ping, "pongme 2!"),
          fz.frame(op::continuation, "fragment5")};
}

TEST(autobahn_5, case_5_19_pings_inside_open_message_with_pause) {
  fuzzer fz;
  echo_peer peer;
  const auto f = case_5_19_frames(fz);
  peer.write(concat({f[0], f[1], f[2]}));
  // The pause: the first pong must already be out while the message is still open.
  EXPECT_EQ(peer.received, (observed_list{pong("pongme 1!")}));
  peer.write(concat({f[3], f[4], f[5], f[6]}));
  EXPECT_EQ(peer.received, (observed_list{pong("pongme 1!"), pong("pongme 2!"),
                                          text("fragment1fragment2fragment3fragment4fragment5")}));
  ASSERT_EQ(peer.received.back().payload.size(), 45u);
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_5, case_5_20_pings_inside_open_message_per_frame) {
  fuzzer fz;
  echo_peer peer;
  const auto f = case_5_19_frames(fz);
  peer.write_frames({f[0], f[1], f[2]});
  EXPECT_EQ(peer.received, (observed_list{pong("pongme 1!")}));
  peer.write_frames({f[3], f[4], f[5], f[6]});
  EXPECT_EQ(peer.received, (observed_list{pong("pongme 1!"), pong("pongme 2!"),
                                          text("fragment1fragment2fragment3fragment4fragment5")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

}  // namespace
}  // namespace websock::test::autobahn
