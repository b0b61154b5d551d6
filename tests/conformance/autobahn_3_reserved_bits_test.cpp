// Autobahn group 3: reserved bits. No extension is negotiated, so any RSV bit fails with 1002;
// a valid message before the bad frame is still echoed (the strict OK outcome).
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

TEST(autobahn_3, case_3_1_rsv_1) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::text, "Hello, world!", true, 1));
  EXPECT_TRUE(peer.received.empty()) << "no echo";
  expect_peer_fails(peer, 1002);
}

std::vector<bytes> valid_then_bad(fuzzer& fz, std::uint8_t rsv) {
  return {fz.frame(op::text, "Hello, world!"), fz.frame(op::text, "Hello, world!", true, rsv), fz.frame(op::ping, "")};
}

TEST(autobahn_3, case_3_2_rsv_2_after_valid_frame_one_write) {
  fuzzer fz;
  echo_peer peer;
  const auto frames = valid_then_bad(fz, 2);
  peer.write(concat({frames[0], frames[1], frames[2]}));
  EXPECT_EQ(peer.received, (observed_list{text("Hello, world!")})) << "echo, then no pong";
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_3, case_3_3_rsv_3_after_valid_frame_per_frame) {
  fuzzer fz;
  echo_peer peer;
  peer.write_frames(valid_then_bad(fz, 3));
  EXPECT_EQ(peer.received, (observed_list{text("Hello, world!")}));
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_3, case_3_4_rsv_4_after_valid_frame_chop_1) {
  fuzzer fz;
  echo_peer peer;
  const auto frames = valid_then_bad(fz, 4);
  peer.write(concat({frames[0], frames[1], frames[2]}), 1);
  EXPECT_EQ(peer.received, (observed_list{text("Hello, world!")}));
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_3, case_3_5_rsv_5_binary) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::binary, from_hex("00 ff fe fd fc fb 00 ff"), true, 5));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_3, case_3_6_rsv_6_binary) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::binary, "Hello, world!", true, 6));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_3, case_3_7_rsv_7_close) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::close, "", true, 7));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1002);  // not treated as an ordinary close
  EXPECT_FALSE(peer.conn.close_received());
}

}  // namespace
}  // namespace websock::test::autobahn
