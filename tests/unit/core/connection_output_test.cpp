// The outbox: batching of queued frames, partial consumption, and the copy-free swap_output.
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace websock::core {
namespace {

std::vector<std::byte> bytes_of(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

TEST(connection_output, queued_frames_share_one_buffer_in_order) {
  connection server({.endpoint_role = role::server});
  ASSERT_EQ(server.send("ab"), errc::ok);
  ASSERT_EQ(server.send_ping(), errc::ok);
  const std::vector<std::byte> expected{std::byte{0x81}, std::byte{0x02}, std::byte{'a'},
                                        std::byte{'b'},  std::byte{0x89}, std::byte{0x00}};
  EXPECT_EQ(bytes_of(server.pending_output()), expected);
}

TEST(connection_output, partial_consume_keeps_the_unsent_tail) {
  connection server({.endpoint_role = role::server});
  ASSERT_EQ(server.send("abc"), errc::ok);
  server.consume_output(2);
  const std::vector<std::byte> tail{std::byte{'a'}, std::byte{'b'}, std::byte{'c'}};
  EXPECT_EQ(bytes_of(server.pending_output()), tail);
  server.consume_output(3);
  EXPECT_FALSE(server.has_output());
}

TEST(connection_output, swap_output_hands_over_pending_bytes_without_the_consumed_head) {
  connection server({.endpoint_role = role::server});
  ASSERT_EQ(server.send("abc"), errc::ok);
  server.consume_output(1);
  detail::byte_buffer spare;
  spare.append(reinterpret_cast<const std::byte*>("stale"), 5);
  server.swap_output(spare);
  ASSERT_EQ(spare.size(), 4u);
  EXPECT_EQ(spare.data()[0], std::byte{0x03});
  EXPECT_EQ(spare.data()[3], std::byte{'c'});
  EXPECT_FALSE(server.has_output());
  // Sends after the swap go to the new outbox, not into the handed-over buffer.
  ASSERT_EQ(server.send("z"), errc::ok);
  EXPECT_EQ(server.pending_output().size(), 3u);
  EXPECT_EQ(spare.size(), 4u);
}

TEST(connection_output, outbox_memory_is_released_after_a_large_message) {
  connection server({.endpoint_role = role::server});
  std::string big(1 << 20, 'x');
  ASSERT_EQ(server.send(big), errc::ok);
  detail::byte_buffer spare;
  server.swap_output(spare);
  EXPECT_EQ(spare.size(), big.size() + 10);
  spare.clear();
  server.swap_output(spare);  // the 1 MiB buffer comes back as the outbox and is released
  ASSERT_EQ(server.send("y"), errc::ok);
  EXPECT_EQ(server.pending_output().size(), 3u);
}

// Hands a buffer of `capacity` bytes to the engine as its next outbox and returns the capacity
// of the outbox that comes back out of it.
std::size_t outbox_capacity_after_swapping_in(connection& c, std::size_t capacity) {
  detail::byte_buffer spare;
  std::string fill(capacity, 'x');
  spare.append(reinterpret_cast<const std::byte*>(fill.data()), fill.size());
  spare.clear();
  c.swap_output(spare);  // `spare` becomes the outbox: kept or freed by keep_output_capacity
  detail::byte_buffer out;
  c.swap_output(out);
  return out.capacity();
}

TEST(connection_output, emptied_outbox_above_keep_output_capacity_is_freed) {
  connection server({.endpoint_role = role::server});  // default: 64 KiB
  EXPECT_EQ(outbox_capacity_after_swapping_in(server, 256 << 10), 0u);
  EXPECT_GE(outbox_capacity_after_swapping_in(server, 32 << 10), std::size_t{32} << 10);
}

TEST(connection_output, keep_output_capacity_lets_a_busy_runtime_keep_its_buffers) {
  connection server({.endpoint_role = role::server, .keep_output_capacity = 1 << 20});
  EXPECT_GE(outbox_capacity_after_swapping_in(server, 256 << 10), std::size_t{256} << 10);
  EXPECT_EQ(outbox_capacity_after_swapping_in(server, 2 << 20), 0u);
}

}  // namespace
}  // namespace websock::core

namespace websock::core {
namespace {

const std::byte reserved_opcode_frame[] = {std::byte{0x83}, std::byte{0x80}, std::byte{0}, std::byte{0},
                                           std::byte{0}, std::byte{0}};

TEST(connection_output, failed_connection_without_auto_close_may_still_send_its_close) {
  connection server({.endpoint_role = role::server, .auto_close = false});
  std::vector<std::byte> in(std::begin(reserved_opcode_frame), std::end(reserved_opcode_frame));
  ASSERT_EQ(server.receive(in).ev.type, event_type::error);
  EXPECT_FALSE(server.has_output());  // auto_close off: nothing queued by itself
  EXPECT_EQ(server.send("x"), errc::connection_failed);
  ASSERT_EQ(server.send_close(close_code::protocol_error), errc::ok);
  const std::vector<std::byte> expected{std::byte{0x88}, std::byte{0x02}, std::byte{0x03}, std::byte{0xEA}};
  EXPECT_EQ(bytes_of(server.pending_output()), expected);
  EXPECT_EQ(server.send_close(close_code::protocol_error), errc::connection_failed);
}

TEST(connection_output, failed_connection_with_auto_close_refuses_a_second_close) {
  connection server({.endpoint_role = role::server});
  std::vector<std::byte> in(std::begin(reserved_opcode_frame), std::end(reserved_opcode_frame));
  ASSERT_EQ(server.receive(in).ev.type, event_type::error);
  EXPECT_EQ(server.send_close(close_code::normal), errc::connection_failed);
  outgoing_frame frame;
  EXPECT_EQ(server.start_frame(opcode::close, true, 2, frame), errc::connection_failed);
}

}  // namespace
}  // namespace websock::core
