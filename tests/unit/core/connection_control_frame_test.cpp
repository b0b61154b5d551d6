// connection::encode_control_frame: whole ping, pong and close frames (RFC 6455 5.5) encoded into
// the caller's memory with the connection's masking (5.3) and state rules (5.5.1).
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>

#include <array>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;
using core::opcode;

using frame_buffer = std::array<std::byte, core::max_frame_header + core::max_control_payload>;

// Encodes and decodes one frame; fails the test if the bytes are not exactly one frame.
wire_frame encode_one(core::connection& conn, opcode op, std::span<const std::byte> payload) {
  frame_buffer out{};
  std::size_t size = 0;
  EXPECT_EQ(conn.encode_control_frame(op, payload, out, size), errc::ok);
  const decoded_output d = decode_frames({out.data(), size});
  EXPECT_TRUE(d.ok()) << d.problem;
  EXPECT_EQ(d.frames.size(), 1u);
  return d.frames.empty() ? wire_frame{} : d.frames[0];
}

TEST(connection_control_frame, rfc5_5_3_server_pong_is_unmasked_and_matches_send_pong) {
  core::connection a(server_options());
  core::connection b(server_options());
  frame_buffer out{};
  std::size_t size = 0;
  ASSERT_EQ(a.encode_control_frame(opcode::pong, as_span("hi"), out, size), errc::ok);
  ASSERT_EQ(b.send_pong(as_span("hi")), errc::ok);
  EXPECT_EQ(bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size)), take_output(b));
  EXPECT_FALSE(a.has_output()) << "the frame goes to the caller's memory, not the outbox";
}

TEST(connection_control_frame, rfc5_3_client_frames_are_masked_with_a_fresh_key) {
  counting_random random;
  auto options = client_options();
  options.random = random.source();
  core::connection conn(options);
  const wire_frame first = encode_one(conn, opcode::ping, as_span("abc"));
  const wire_frame second = encode_one(conn, opcode::pong, as_span("abc"));
  EXPECT_TRUE(first.masked);
  EXPECT_EQ(first.opcode, op::ping);
  EXPECT_TRUE(first.fin);
  EXPECT_EQ(to_string(first.payload), "abc");
  EXPECT_EQ(to_string(second.payload), "abc");
  EXPECT_NE(first.key, second.key);
}

TEST(connection_control_frame, rfc5_3_zero_mask_key_keeps_the_payload_as_is) {
  auto options = client_options();
  options.zero_mask_key = true;
  core::connection conn(options);
  frame_buffer out{};
  std::size_t size = 0;
  ASSERT_EQ(conn.encode_control_frame(opcode::pong, as_span("xy"), out, size), errc::ok);
  EXPECT_EQ(bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size)),
            from_hex("8a 82 00 00 00 00 78 79"));
}

TEST(connection_control_frame, rfc5_5_1_close_marks_close_sent_and_refuses_a_second) {
  core::connection conn(server_options());
  std::array<std::byte, core::max_control_payload> payload{};
  const std::size_t n = core::encode_close_payload(1000, "bye", payload);
  const wire_frame f = encode_one(conn, opcode::close, {payload.data(), n});
  EXPECT_EQ(close_code_of(f), 1000);
  EXPECT_TRUE(conn.close_sent());
  frame_buffer out{};
  std::size_t size = 7;
  EXPECT_EQ(conn.encode_control_frame(opcode::close, {}, out, size), errc::send_after_close);
  EXPECT_EQ(size, 0u);
  EXPECT_EQ(conn.send("data"), errc::send_after_close);
}

TEST(connection_control_frame, rfc7_4_1_close_payload_is_judged_like_send_close) {
  core::connection conn(server_options());
  frame_buffer out{};
  std::size_t size = 0;
  EXPECT_EQ(conn.encode_control_frame(opcode::close, close_body(1005), out, size),
            errc::bad_close_code_to_send);
  EXPECT_EQ(conn.encode_control_frame(opcode::close, from_hex("03"), out, size),
            errc::close_reason_too_long);
  EXPECT_EQ(conn.encode_control_frame(opcode::close, close_body(1000, "\xff"), out, size),
            errc::invalid_close_reason);
  EXPECT_FALSE(conn.close_sent()) << "refused closes are not sent";
  const wire_frame empty = encode_one(conn, opcode::close, {});
  EXPECT_TRUE(empty.payload.empty());
}

TEST(connection_control_frame, rfc5_5_control_payload_over_125_bytes_is_refused) {
  core::connection conn(server_options());
  std::array<std::byte, 200> out{};
  std::size_t size = 0;
  EXPECT_EQ(conn.encode_control_frame(opcode::ping, repeat_byte('a', 126), out, size),
            errc::control_payload_too_long);
  EXPECT_EQ(conn.encode_control_frame(opcode::ping, repeat_byte('a', 125), out, size), errc::ok);
  EXPECT_EQ(size, 127u);
}

TEST(connection_control_frame, data_opcodes_are_refused) {
  core::connection conn(server_options());
  frame_buffer out{};
  std::size_t size = 0;
  for (opcode op : {opcode::text, opcode::binary, opcode::continuation, static_cast<opcode>(0xB)}) {
    EXPECT_EQ(conn.encode_control_frame(op, {}, out, size), errc::not_a_control_opcode);
  }
  EXPECT_FALSE(conn.in_outgoing_message());
}

TEST(connection_control_frame, too_small_output_writes_nothing_and_changes_no_state) {
  core::connection conn(client_options());
  std::array<std::byte, 9> out{};  // a masked 4-byte payload needs 2 + 4 + 4 = 10
  out.fill(std::byte{0xAA});
  std::size_t size = 0;
  EXPECT_EQ(conn.encode_control_frame(opcode::close, close_body(1000, "ab"), out, size),
            errc::output_too_small);
  EXPECT_EQ(bytes(out.begin(), out.end()), repeat_byte(0xAA, 9));
  EXPECT_FALSE(conn.close_sent());
}

TEST(connection_control_frame, rfc5_5_1_pong_refused_once_both_closes_crossed) {
  core::connection conn(server_options());
  bytes wire = client_frame(op::close, close_body(1000));
  conn.receive(wire);
  ASSERT_TRUE(conn.close_sent() && conn.close_received());
  frame_buffer out{};
  std::size_t size = 0;
  EXPECT_EQ(conn.encode_control_frame(opcode::pong, {}, out, size), errc::send_after_close);
}

TEST(connection_control_frame, failed_connection_refuses_pings) {
  core::connection conn(server_options());
  bytes wire = server_frame(op::binary, "unmasked");
  conn.receive(wire);
  ASSERT_TRUE(conn.failed());
  frame_buffer out{};
  std::size_t size = 0;
  EXPECT_EQ(conn.encode_control_frame(opcode::ping, {}, out, size), errc::connection_failed);
}

}  // namespace
}  // namespace websock::test
