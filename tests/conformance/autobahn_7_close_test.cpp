// Autobahn group 7: close handling. The fuzzer always sends the first close.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

// ================================================================= 7.1 basic close behaviour

TEST(autobahn_7, case_7_1_1_echo_then_close) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::text, "Hello World!"));
  EXPECT_EQ(peer.received, (observed_list{text("Hello World!")}));
  peer.fuzzer_close(fz, 1000);
  expect_close_answer(peer, {1000});
}

TEST(autobahn_7, case_7_1_2_second_close_ignored) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000);
  peer.write(fz.empty_close());
  EXPECT_TRUE(peer.received.empty());
  expect_close_answer(peer, {1000});
}

TEST(autobahn_7, case_7_1_3_ping_after_close_not_answered) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000);
  peer.write(fz.frame(op::ping, ""));
  EXPECT_TRUE(peer.received.empty()) << "no pong after the close";
  expect_close_answer(peer, {1000});
}

TEST(autobahn_7, case_7_1_4_text_after_close_not_echoed) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000);
  peer.write(fz.frame(op::text, "Hello World!"));
  EXPECT_TRUE(peer.received.empty());
  expect_close_answer(peer, {1000});
}

TEST(autobahn_7, case_7_1_5_close_inside_fragmented_message) {
  fuzzer fz;
  echo_peer peer;
  peer.write(fz.frame(op::text, "fragment1", false));
  peer.fuzzer_close(fz, 1000);
  peer.write(fz.frame(op::continuation, "fragment2"));
  EXPECT_TRUE(peer.received.empty()) << "no message delivered";
  expect_close_answer(peer, {1000});
}

TEST(autobahn_7, case_7_1_6_large_message_then_close_one_write) {
  // Informational in Autobahn. Our rule: everything before the close frame is processed in order,
  // everything after it is ignored.
  fuzzer fz;
  echo_peer peer;
  const bytes big = repeat("BAsd7&jh23", 262144);
  peer.fuzzer_sent_close = true;
  peer.write(concat({fz.frame(op::text, big), fz.frame(op::text, "Hello World!"), fz.close(1000), fz.frame(op::ping, "")}));
  ASSERT_EQ(peer.received.size(), 2u);
  EXPECT_TRUE(peer.received[0] == text(big));
  EXPECT_EQ(peer.received[1], text("Hello World!"));
  expect_close_answer(peer, {1000});
}

// ================================================================= 7.3 close frame structure

TEST(autobahn_7, case_7_3_1_empty_close) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_empty_close(fz);
  expect_close_answer(peer, {core::close_code::no_status /* empty */, 1000});
  EXPECT_FALSE(peer.conn.failed());
}

TEST(autobahn_7, case_7_3_2_one_byte_close_payload) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_sent_close = true;
  peer.write(fz.frame(op::close, from_hex("61")));
  expect_close_answer(peer, {1002});
  EXPECT_TRUE(peer.conn.failed());
}

TEST(autobahn_7, case_7_3_3_close_1000) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000);
  expect_close_answer(peer, {1000});
  EXPECT_FALSE(peer.conn.failed());
}

TEST(autobahn_7, case_7_3_4_close_1000_with_reason) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000, "Hello World!");
  expect_close_answer(peer, {1000});
  EXPECT_EQ(peer.engine_events, (event_list{close_event(1000, "Hello World!")}));
}

TEST(autobahn_7, case_7_3_5_close_with_123_byte_reason) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000, std::string(123, '*'));
  expect_close_answer(peer, {1000});
  EXPECT_FALSE(peer.conn.failed());
}

TEST(autobahn_7, case_7_3_6_close_with_124_byte_reason) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000, std::string(124, '*'));
  expect_close_answer(peer, {1002});
  EXPECT_TRUE(peer.conn.failed());
}

TEST(autobahn_7, case_7_5_1_close_reason_not_utf8) {
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, 1000, kosme + "\xed\xa0\x80" + "edited");
  expect_close_answer(peer, {1002, 1007});
  EXPECT_TRUE(peer.conn.failed());
}

// ================================================================= 7.7 valid codes, 7.9 invalid codes

class autobahn_7_valid_code : public ::testing::TestWithParam<std::pair<const char*, std::uint16_t>> {};

TEST_P(autobahn_7_valid_code, answered_with_1000_or_the_same_code) {
  const auto code = GetParam().second;
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, code);
  expect_close_answer(peer, {1000, code});
  EXPECT_FALSE(peer.conn.failed());
  EXPECT_EQ(peer.engine_events, (event_list{close_event(code)}));
}

INSTANTIATE_TEST_SUITE_P(
    codes, autobahn_7_valid_code,
    ::testing::Values(std::pair{"7.7.1", std::uint16_t{1000}}, std::pair{"7.7.2", std::uint16_t{1001}},
                      std::pair{"7.7.3", std::uint16_t{1002}}, std::pair{"7.7.4", std::uint16_t{1003}},
                      std::pair{"7.7.5", std::uint16_t{1007}}, std::pair{"7.7.6", std::uint16_t{1008}},
                      std::pair{"7.7.7", std::uint16_t{1009}}, std::pair{"7.7.8", std::uint16_t{1010}},
                      std::pair{"7.7.9", std::uint16_t{1011}}, std::pair{"7.7.10", std::uint16_t{3000}},
                      std::pair{"7.7.11", std::uint16_t{3999}}, std::pair{"7.7.12", std::uint16_t{4000}},
                      std::pair{"7.7.13", std::uint16_t{4999}}),
    [](const auto& p) { return case_name(p.param.first); });

class autobahn_7_invalid_code : public ::testing::TestWithParam<std::pair<const char*, std::uint16_t>> {};

TEST_P(autobahn_7_invalid_code, answered_with_1002) {
  const auto code = GetParam().second;
  fuzzer fz;
  echo_peer peer;
  peer.fuzzer_close(fz, code);
  expect_close_answer(peer, {1002});  // answering 1000, or echoing the code, FAILS
  EXPECT_TRUE(peer.conn.failed());
}

// 7.9.x, plus 7.13.x (informational in Autobahn; our rule refuses codes of 5000 and up).
INSTANTIATE_TEST_SUITE_P(
    codes, autobahn_7_invalid_code,
    ::testing::Values(std::pair{"7.9.1", std::uint16_t{0}}, std::pair{"7.9.2", std::uint16_t{999}},
                      std::pair{"7.9.3", std::uint16_t{1004}}, std::pair{"7.9.4", std::uint16_t{1005}},
                      std::pair{"7.9.5", std::uint16_t{1006}}, std::pair{"7.9.6", std::uint16_t{1016}},
                      std::pair{"7.9.7", std::uint16_t{1100}}, std::pair{"7.9.8", std::uint16_t{2000}},
                      std::pair{"7.9.9", std::uint16_t{2999}}, std::pair{"7.13.1", std::uint16_t{5000}},
                      std::pair{"7.13.2", std::uint16_t{65535}}),
    [](const auto& p) { return case_name(p.param.first); });

}  // namespace
}  // namespace websock::test::autobahn
