// RFC 6455 sections 5.5.1 and 7.4: close frame payloads and status codes.
#include "websock/core/close.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

// The IANA WebSocket Close Code Number Registry (RFC 6455 11.7), written out here on its own as
// the oracle: 1000-1003 and 1007-1014 are assigned for close frames (1012 Service Restart, 1013
// Try Again Later and 1014 Bad Gateway were registered after the RFC); 1004 is reserved and
// 1005, 1006, 1015 must never be sent (7.4.1); 1016-2999 are unassigned, for future revisions of
// the protocol; 3000-3999 are registered for libraries and applications, 4000-4999 private use;
// 0-999 are unused.
bool iana_wire_code(unsigned code) {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
         (code >= 3000 && code <= 4999);
}

TEST(close, empty_payload_means_no_status_1005) {
  core::close_payload out;
  out.code = 1234;
  EXPECT_EQ(core::parse_close_payload({}, out), core::errc::ok);
  EXPECT_EQ(out.code, core::close_code::no_status);
  EXPECT_TRUE(out.reason.empty());
}

TEST(close, close_payload_of_one_byte) {
  core::close_payload out;
  EXPECT_EQ(core::parse_close_payload(from_hex("03"), out), core::errc::close_payload_too_short);
  EXPECT_EQ(core::parse_close_payload(from_hex("61"), out), core::errc::close_payload_too_short);
}

TEST(close, code_is_big_endian_and_reason_views_the_payload) {
  const bytes payload = close_body(1001, "going away");
  core::close_payload out;
  ASSERT_EQ(core::parse_close_payload(payload, out), core::errc::ok);
  EXPECT_EQ(out.code, 1001);
  EXPECT_EQ(out.reason, "going away");
  EXPECT_EQ(static_cast<const void*>(out.reason.data()), static_cast<const void*>(payload.data() + 2));
}

TEST(close, code_without_reason) {
  core::close_payload out;
  ASSERT_EQ(core::parse_close_payload(from_hex("03 e8"), out), core::errc::ok);
  EXPECT_EQ(out.code, 1000);
  EXPECT_TRUE(out.reason.empty());
}

TEST(close, every_code_accepted_exactly_when_valid_on_the_wire) {
  for (unsigned code = 0; code <= 0xFFFF; ++code) {
    const bytes payload = close_body(static_cast<std::uint16_t>(code));
    core::close_payload out;
    const auto e = core::parse_close_payload(payload, out);
    if (iana_wire_code(code)) {
      ASSERT_EQ(e, core::errc::ok) << code;
      ASSERT_EQ(out.code, code);
    } else {
      ASSERT_EQ(e, core::errc::invalid_close_code) << code;
    }
    ASSERT_EQ(core::is_valid_wire_close_code(static_cast<std::uint16_t>(code)), iana_wire_code(code)) << code;
  }
}

TEST(close, close_code_1005_on_wire_rejected) {
  core::close_payload out;
  EXPECT_EQ(core::parse_close_payload(close_body(1005), out), core::errc::invalid_close_code);
  EXPECT_EQ(core::parse_close_payload(close_body(1006), out), core::errc::invalid_close_code);
  EXPECT_EQ(core::parse_close_payload(close_body(1015), out), core::errc::invalid_close_code);
  EXPECT_EQ(core::parse_close_payload(close_body(1004), out), core::errc::invalid_close_code);
}

TEST(close, wire_code_predicate_is_usable_at_compile_time) {
  static_assert(core::is_valid_wire_close_code(1000));
  static_assert(core::is_valid_wire_close_code(1011));
  static_assert(core::is_valid_wire_close_code(1014));
  static_assert(core::is_valid_wire_close_code(4999));
  static_assert(!core::is_valid_wire_close_code(1005));
  static_assert(!core::is_valid_wire_close_code(1006));
  static_assert(!core::is_valid_wire_close_code(1015));
  static_assert(!core::is_valid_wire_close_code(2999));
  static_assert(!core::is_valid_wire_close_code(5000));
}

// Every edge of every range of the registry, each way: the code is parsed, or refused as invalid.
TEST(close, IANA_registry_every_range_boundary) {
  const std::pair<std::uint16_t, bool> edges[] = {
      {0, false},    {999, false},  {1000, true},  {1003, true},  {1004, false}, {1005, false},
      {1006, false}, {1007, true},  {1011, true},  {1012, true},  {1013, true},  {1014, true},
      {1015, false}, {1016, false}, {2999, false}, {3000, true},  {3999, true},  {4000, true},
      {4999, true},  {5000, false}, {65535, false}};
  for (const auto& [code, valid] : edges) {
    core::close_payload out;
    EXPECT_EQ(core::parse_close_payload(close_body(code, "r"), out),
              valid ? core::errc::ok : core::errc::invalid_close_code) << code;
    EXPECT_EQ(core::is_valid_wire_close_code(code), valid) << code;
  }
}

TEST(close, IANA_registry_1012_service_restart_1013_try_again_later_1014_bad_gateway) {
  for (const std::uint16_t code : {core::close_code::service_restart, core::close_code::try_again_later,
                                   core::close_code::bad_gateway}) {
    const bytes payload = close_body(code, "later");  // the reason views it
    core::close_payload out;
    ASSERT_EQ(core::parse_close_payload(payload, out), core::errc::ok) << code;
    EXPECT_EQ(out.code, code);
    EXPECT_EQ(out.reason, "later");
  }
}

TEST(close, reason_must_be_utf8) {
  core::close_payload out;
  const bytes bad = concat({close_body(1000), from_hex("cebae1bdb9cf83cebcceb5eda080"), as_span("edited")});
  EXPECT_EQ(core::parse_close_payload(bad, out), core::errc::invalid_close_reason);
  const bytes truncated = concat({close_body(1000), from_hex("e282")});
  EXPECT_EQ(core::parse_close_payload(truncated, out), core::errc::invalid_close_reason);
}

TEST(close, utf8_check_can_be_turned_off) {
  core::close_payload out;
  const bytes bad = concat({close_body(1000), from_hex("ff fe")});
  ASSERT_EQ(core::parse_close_payload(bad, out, false), core::errc::ok);
  EXPECT_EQ(out.code, 1000);
  EXPECT_EQ(out.reason.size(), 2u);
}

TEST(close, utf8_reason_accepted) {
  core::close_payload out;
  const bytes payload = concat({close_body(4000), from_hex("cebae1bdb9cf83cebcceb5")});
  ASSERT_EQ(core::parse_close_payload(payload, out), core::errc::ok);
  EXPECT_EQ(out.code, 4000);
  EXPECT_EQ(out.reason, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5");
}

TEST(close, longest_reason_of_123_bytes) {
  core::close_payload out;
  const bytes payload = concat({close_body(1000), repeat("*", 123)});
  ASSERT_EQ(payload.size(), core::max_control_payload);
  ASSERT_EQ(core::parse_close_payload(payload, out), core::errc::ok);
  EXPECT_EQ(out.reason.size(), 123u);
}

TEST(close, invalid_code_reported_before_reason) {
  core::close_payload out;
  EXPECT_EQ(core::parse_close_payload(concat({close_body(999), from_hex("ff")}), out),
            core::errc::invalid_close_code);
}

TEST(close, named_codes) {
  static_assert(core::close_code::normal == 1000);
  static_assert(core::close_code::going_away == 1001);
  static_assert(core::close_code::protocol_error == 1002);
  static_assert(core::close_code::unsupported_data == 1003);
  static_assert(core::close_code::no_status == 1005);
  static_assert(core::close_code::abnormal == 1006);
  static_assert(core::close_code::invalid_payload == 1007);
  static_assert(core::close_code::policy_violation == 1008);
  static_assert(core::close_code::message_too_big == 1009);
  static_assert(core::close_code::mandatory_extension == 1010);
  static_assert(core::close_code::internal_error == 1011);
  static_assert(core::close_code::service_restart == 1012);
  static_assert(core::close_code::try_again_later == 1013);
  static_assert(core::close_code::bad_gateway == 1014);
  static_assert(core::close_code::reserved == 1004);
  static_assert(core::close_code::tls_handshake == 1015);
}

}  // namespace
}  // namespace websock::test

namespace websock::test {
namespace {

// ================================================================= encoding (5.5.1)

TEST(close, encode_close_payload_writes_code_in_network_order_then_reason) {
  std::array<std::byte, core::max_control_payload> out{};
  const std::size_t n = core::encode_close_payload(1000, "bye", out);
  ASSERT_EQ(n, 5u);
  EXPECT_EQ(bytes(out.begin(), out.begin() + 5), from_hex("03 e8 62 79 65"));
  core::close_payload parsed;
  ASSERT_EQ(core::parse_close_payload({out.data(), n}, parsed), core::errc::ok);
  EXPECT_EQ(parsed.code, 1000);
  EXPECT_EQ(parsed.reason, "bye");
}

TEST(close, encode_close_payload_of_no_status_is_empty) {
  std::array<std::byte, 4> out{};
  EXPECT_EQ(core::encode_close_payload(core::close_code::no_status, {}, out), 0u);
  EXPECT_EQ(core::close_payload_size(core::close_code::no_status, {}), 0u);
  EXPECT_EQ(core::close_payload_size(4000, "ab"), 4u);
}

TEST(close, encode_close_payload_writes_nothing_when_out_is_too_small) {
  std::array<std::byte, 4> out{};
  out.fill(std::byte{0xAA});
  EXPECT_EQ(core::encode_close_payload(1001, "abc", out), 0u);
  EXPECT_EQ(bytes(out.begin(), out.end()), from_hex("aa aa aa aa"));
}

}  // namespace
}  // namespace websock::test
