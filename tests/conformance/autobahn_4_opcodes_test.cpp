// Autobahn group 4: reserved opcodes fail with 1002; a valid text before them is still echoed.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

void lone_reserved_frame(std::uint8_t opcode, std::string_view payload) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(opcode, payload));
  EXPECT_TRUE(peer.received.empty());
  expect_peer_fails(peer, 1002);
}

// Text, reserved frame, empty ping; one write, or chop 1.
void reserved_after_text(std::uint8_t opcode, std::string_view payload, std::size_t chop) {
  fuzzer fz;
  echo_peer peer;
  peer.write(concat({fz.frame(op::text, "Hello, world!"), fz.frame(opcode, payload), fz.frame(op::ping, "")}), chop);
  EXPECT_EQ(peer.received, (observed_list{text("Hello, world!")})) << "echo, then no pong";
  expect_peer_fails(peer, 1002);
}

TEST(autobahn_4, case_4_1_1_opcode_3) { lone_reserved_frame(3, ""); }
TEST(autobahn_4, case_4_1_2_opcode_4_with_payload) { lone_reserved_frame(4, "reserved opcode payload"); }
TEST(autobahn_4, case_4_1_3_opcode_5_after_text) { reserved_after_text(5, "", 0); }
TEST(autobahn_4, case_4_1_4_opcode_6_with_payload_after_text) { reserved_after_text(6, "Hello, world!", 0); }
TEST(autobahn_4, case_4_1_5_opcode_7_after_text_chop_1) { reserved_after_text(7, "Hello, world!", 1); }

TEST(autobahn_4, case_4_2_1_opcode_11) { lone_reserved_frame(11, ""); }
TEST(autobahn_4, case_4_2_2_opcode_12_with_payload) { lone_reserved_frame(12, "reserved opcode payload"); }
TEST(autobahn_4, case_4_2_3_opcode_13_after_text) { reserved_after_text(13, "", 0); }
TEST(autobahn_4, case_4_2_4_opcode_14_with_payload_after_text) { reserved_after_text(14, "Hello, world!", 0); }
TEST(autobahn_4, case_4_2_5_opcode_15_after_text_chop_1) { reserved_after_text(15, "Hello, world!", 1); }

}  // namespace
}  // namespace websock::test::autobahn
