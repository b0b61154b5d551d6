// Engine bugs found by fuzzing, each pinned by the input that exposed it.
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace websock::core {
namespace {

// Feeds `wire` in reads of `chunk` bytes and returns the first error event's errc.
errc first_error(std::vector<std::byte> wire, std::size_t chunk) {
  connection server({.endpoint_role = role::server});
  std::span<std::byte> rest{wire};
  while (!rest.empty()) {
    auto piece = rest.first(std::min(chunk, rest.size()));
    for (;;) {
      auto r = server.receive(piece);
      piece = piece.subspan(r.consumed);
      if (r.ev.type == event_type::error) return r.ev.error;
      if (r.ev.type == event_type::none) break;
    }
    rest = rest.subspan(std::min(chunk, rest.size()));
  }
  return errc::ok;
}

TEST(connection_regression, ping_with_non_minimal_16bit_length_gives_one_error_in_any_split) {
  // A ping whose 16-bit extended length says 5: too long a form for a control frame. Whole, the
  // header used to be judged on its decoded length (non_minimal_length); split, on its first two
  // bytes (control_frame_too_large).
  std::vector<std::byte> wire{std::byte{0x89}, std::byte{0xFE}, std::byte{0x00}, std::byte{0x05},
                              std::byte{1},    std::byte{2},    std::byte{3},    std::byte{4}};
  for (int i = 0; i < 5; ++i) wire.push_back(std::byte{'a'});
  EXPECT_EQ(first_error(wire, wire.size()), errc::control_frame_too_large);
  EXPECT_EQ(first_error(wire, 1), errc::control_frame_too_large);
  EXPECT_EQ(first_error(wire, 3), errc::control_frame_too_large);
}

TEST(connection_regression, consume_output_with_a_huge_count_empties_the_outbox) {
  // head + n used to overflow and leave the head inside the buffer.
  connection server({.endpoint_role = role::server});
  ASSERT_EQ(server.send("abc"), errc::ok);
  server.consume_output(1);
  server.consume_output(std::numeric_limits<std::size_t>::max());
  EXPECT_FALSE(server.has_output());
  EXPECT_TRUE(server.pending_output().empty());
}

}  // namespace
}  // namespace websock::core
