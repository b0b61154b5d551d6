// Autobahn group 2: pings and pongs.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

TEST(autobahn_2, case_2_1_empty_ping) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::ping, ""));
  EXPECT_EQ(peer.received, (observed_list{pong("")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_2, case_2_2_ping_with_text_payload) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::ping, "Hello, world!"));
  EXPECT_EQ(peer.received, (observed_list{pong("Hello, world!")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_2, case_2_3_ping_with_binary_payload) {
  fuzzer fz;
  echo_peer peer;
  const bytes payload = from_hex("00 ff fe fd fc fb 00 ff");
  peer.write(fz.frame(op::ping, payload));
  EXPECT_EQ(peer.received, (observed_list{pong(payload)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_2, case_2_4_ping_with_125_bytes) {
  fuzzer fz;
  echo_peer peer;
  const bytes payload = repeat_byte(0xFE, 125);
  peer.write(fz.frame(op::ping, payload));
  EXPECT_EQ(peer.received, (observed_list{pong(payload)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_2, case_2_5_ping_with_126_bytes) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::ping, repeat_byte(0xFE, 126)));
  EXPECT_TRUE(peer.received.empty()) << "no pong";
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_2, case_2_6_ping_with_125_bytes_chop_1) {
  fuzzer fz;
  echo_peer peer;
  const bytes payload = repeat_byte(0xFE, 125);
  peer.write(fz.frame(op::ping, payload), 1);
  EXPECT_EQ(peer.received, (observed_list{pong(payload)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_2, case_2_7_unsolicited_empty_pong) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::pong, ""));
  EXPECT_TRUE(peer.received.empty());
  expect_fuzzer_closes_cleanly(peer, fz);
  EXPECT_TRUE(peer.received.empty());
}

TEST(autobahn_2, case_2_8_unsolicited_pong_with_payload) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::pong, "unsolicited pong payload"));
  EXPECT_TRUE(peer.received.empty());
  expect_fuzzer_closes_cleanly(peer, fz);
  EXPECT_TRUE(peer.received.empty());
}

TEST(autobahn_2, case_2_9_unsolicited_pong_then_ping) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::pong, "unsolicited pong payload"), fz.frame(op::ping, "ping payload")}));
  EXPECT_EQ(peer.received, (observed_list{pong("ping payload")}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

observed_list ten_pongs() {
  observed_list out;
  for (int i = 0; i < 10; ++i) out.push_back(pong("payload-" + std::to_string(i)));
  return out;
}

bytes ten_pings(fuzzer& fz) {
  bytes out;
  for (int i = 0; i < 10; ++i) append(out, fz.frame(op::ping, "payload-" + std::to_string(i)));
  return out;
}

TEST(autobahn_2, case_2_10_ten_pings) {
  fuzzer fz;
  echo_peer peer;
  peer.write(ten_pings(fz));
  EXPECT_EQ(peer.received, ten_pongs()) << "every ping answered, in order, none coalesced";
  expect_fuzzer_closes_cleanly(peer, fz);
}

TEST(autobahn_2, case_2_11_ten_pings_chop_1) {
  fuzzer fz;
  echo_peer peer;
  peer.write(ten_pings(fz), 1);
  EXPECT_EQ(peer.received, ten_pongs());
  expect_fuzzer_closes_cleanly(peer, fz);
}

}  // namespace
}  // namespace websock::test::autobahn
