// Every errc, its message, its std::error_code integration and the close code RFC 6455 7.4.1
// prescribes when a connection fails with it.
#include "websock/core/error.hpp"

#include <gtest/gtest.h>

#include <set>

#include "websock/core/close.hpp"

namespace websock::core {
namespace {

// Every enumerator, with the close code a connection failing with it must send.
struct mapping {
  errc e;
  std::uint16_t code;
};

// 1002 protocol error for framing and close-frame violations; 1007 for data inconsistent with the
// message type (non-UTF-8 text or close reason); 1009 for a message too big to process; 1008 for
// a policy refusal; 1011 for an unexpected condition such as running out of memory.
const mapping all_errors[] = {
    {errc::reserved_bits, 1002},
    {errc::reserved_opcode, 1002},
    {errc::fragmented_control_frame, 1002},
    {errc::control_frame_too_large, 1002},
    {errc::non_minimal_length, 1002},
    {errc::length_msb_set, 1002},
    {errc::unmasked_frame, 1002},
    {errc::masked_frame, 1002},
    {errc::unexpected_continuation, 1002},
    {errc::expected_continuation, 1002},
    {errc::frame_too_large, 1009},
    {errc::message_too_large, 1009},
    {errc::invalid_utf8, 1007},
    {errc::close_payload_too_short, 1002},
    {errc::invalid_close_code, 1002},
    {errc::invalid_close_reason, 1007},
    {errc::out_of_memory, 1011},
    {errc::policy_violation, 1008},
};

TEST(error, each_received_violation_maps_to_its_close_code) {
  for (const auto& m : all_errors) {
    EXPECT_EQ(close_code_for(m.e), m.code) << make_error_code(m.e).message();
  }
}

TEST(error, protocol_errors_give_1002) {
  EXPECT_EQ(close_code_for(errc::reserved_bits), close_code::protocol_error);
  EXPECT_EQ(close_code_for(errc::unmasked_frame), close_code::protocol_error);
}

TEST(error, invalid_utf8_gives_1007) {
  EXPECT_EQ(close_code_for(errc::invalid_utf8), close_code::invalid_payload);
  EXPECT_EQ(close_code_for(errc::invalid_close_reason), close_code::invalid_payload);
  EXPECT_EQ(close_code_for(errc::invalid_compressed_data), close_code::invalid_payload);  // RFC 7692 7.2.2
}

TEST(error, too_big_gives_1009) {
  EXPECT_EQ(close_code_for(errc::message_too_large), close_code::message_too_big);
  EXPECT_EQ(close_code_for(errc::frame_too_large), close_code::message_too_big);
}

TEST(error, policy_gives_1008_and_internal_gives_1011) {
  EXPECT_EQ(close_code_for(errc::policy_violation), close_code::policy_violation);
  EXPECT_EQ(close_code_for(errc::out_of_memory), close_code::internal_error);
}

TEST(error, close_codes_for_failures_are_sendable) {
  for (const auto& m : all_errors) {
    EXPECT_TRUE(is_valid_wire_close_code(close_code_for(m.e))) << static_cast<int>(m.e);
  }
}

TEST(error, converts_to_std_error_code) {
  const std::error_code ec = errc::invalid_utf8;
  EXPECT_EQ(ec.value(), static_cast<int>(errc::invalid_utf8));
  EXPECT_EQ(&ec.category(), &core_category());
  EXPECT_STREQ(core_category().name(), "websock.core");
  EXPECT_TRUE(ec == errc::invalid_utf8);
  EXPECT_FALSE(ec == errc::invalid_close_code);
  const std::error_code ok = make_error_code(errc::ok);
  EXPECT_FALSE(ok) << "errc::ok is success";
}

TEST(error, every_code_has_its_own_message) {
  std::set<std::string> seen;
  std::vector<int> values;
  for (int v = 1; v <= static_cast<int>(errc::invalid_compressed_data); ++v) values.push_back(v);
  for (int v = static_cast<int>(errc::http_malformed); v <= static_cast<int>(errc::http_bad_extension_response); ++v)
    values.push_back(v);
  for (int v = static_cast<int>(errc::bad_request_target); v <= static_cast<int>(errc::bad_extension); ++v)
    values.push_back(v);
  values.push_back(static_cast<int>(errc::out_of_memory));
  values.push_back(static_cast<int>(errc::policy_violation));
  for (int v : values) {
    const auto msg = core_category().message(v);
    EXPECT_FALSE(msg.empty()) << v;
    EXPECT_TRUE(seen.insert(msg).second) << "message shared by two codes: " << msg;
  }
}

}  // namespace
}  // namespace websock::core
