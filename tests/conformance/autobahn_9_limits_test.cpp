// Autobahn group 9: limits and performance, at the real sizes (up to 16 MiB). Autobahn judges only
// the echo's type and length and the case's deadline; we also compare the bytes.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * 1024;

const std::string text_pattern = "BAsd7&jh23";
const bytes binary_pattern = from_hex("00fe23faf0");

void expect_echo(const echo_peer& peer, bool is_text, const bytes& payload) {
  ASSERT_EQ(peer.received.size(), 1u);
  EXPECT_EQ(peer.received[0].what, is_text ? observed::kind::text : observed::kind::binary);
  ASSERT_EQ(peer.received[0].payload.size(), payload.size());
  EXPECT_TRUE(peer.received[0].payload == payload) << "echo differs from what was sent";
}

// ================================================================= 9.1 / 9.2: one large frame

struct big_frame_case {
  const char* id;
  bool is_text;
  std::size_t size;
  double deadline_s;
};

class autobahn_9_frame : public ::testing::TestWithParam<big_frame_case> {};

TEST_P(autobahn_9_frame, single_frame_echoed) {
  const auto& c = GetParam();
  fuzzer fz;
  echo_peer peer;
  const bytes payload = c.is_text ? repeat(text_pattern, c.size) : repeat(binary_pattern, c.size);
  const bytes frame = fz.frame(c.is_text ? op::text : op::binary, payload);
  deadline d(c.deadline_s);
  peer.write(frame);
  d.check();
  expect_echo(peer, c.is_text, payload);
  expect_fuzzer_closes_cleanly(peer, fz);
}

INSTANTIATE_TEST_SUITE_P(
    limits, autobahn_9_frame,
    ::testing::Values(big_frame_case{"9.1.1", true, 64 * KiB, 10}, big_frame_case{"9.1.2", true, 256 * KiB, 10},
                      big_frame_case{"9.1.3", true, 1 * MiB, 100}, big_frame_case{"9.1.4", true, 4 * MiB, 100},
                      big_frame_case{"9.1.5", true, 8 * MiB, 100}, big_frame_case{"9.1.6", true, 16 * MiB, 100},
                      big_frame_case{"9.2.1", false, 64 * KiB, 10}, big_frame_case{"9.2.2", false, 256 * KiB, 10},
                      big_frame_case{"9.2.3", false, 1 * MiB, 10}, big_frame_case{"9.2.4", false, 4 * MiB, 10},
                      big_frame_case{"9.2.5", false, 8 * MiB, 100}, big_frame_case{"9.2.6", false, 16 * MiB, 100}),
    [](const auto& p) { return case_name(p.param.id); });

// ================================================================= 9.3 / 9.4: 4 MiB in many frames

struct fragmented_case {
  const char* id;
  bool is_text;
  std::size_t frame_size;
  std::uint8_t fill;
};

class autobahn_9_fragmented : public ::testing::TestWithParam<fragmented_case> {};

TEST_P(autobahn_9_fragmented, message_of_many_frames_echoed) {
  const auto& c = GetParam();
  fuzzer fz;
  echo_peer peer;
  const bytes payload = repeat_byte(c.fill, 4 * MiB);
  bytes wire;
  wire.reserve(payload.size() + (payload.size() / c.frame_size + 1) * 14);
  const std::span<const std::byte> all{payload};
  for (std::size_t at = 0; at < payload.size(); at += c.frame_size) {
    const std::size_t n = std::min(c.frame_size, payload.size() - at);
    append(wire, fz.frame(at == 0 ? (c.is_text ? op::text : op::binary) : op::continuation, all.subspan(at, n),
                          at + n == payload.size()));
  }
  EXPECT_EQ(fz.frames_built, (4 * MiB + c.frame_size - 1) / c.frame_size);
  deadline d(100);
  peer.write(wire);
  d.check();
  expect_echo(peer, c.is_text, payload);
  expect_fuzzer_closes_cleanly(peer, fz);
}

INSTANTIATE_TEST_SUITE_P(
    limits, autobahn_9_fragmented,
    ::testing::Values(fragmented_case{"9.3.1", true, 64, '*'}, fragmented_case{"9.3.2", true, 256, '*'},
                      fragmented_case{"9.3.3", true, 1 * KiB, '*'}, fragmented_case{"9.3.4", true, 4 * KiB, '*'},
                      fragmented_case{"9.3.5", true, 16 * KiB, '*'}, fragmented_case{"9.3.6", true, 64 * KiB, '*'},
                      fragmented_case{"9.3.7", true, 256 * KiB, '*'}, fragmented_case{"9.3.8", true, 1 * MiB, '*'},
                      fragmented_case{"9.3.9", true, 4 * MiB, '*'}, fragmented_case{"9.4.1", false, 64, 0xFE},
                      fragmented_case{"9.4.2", false, 256, '*'}, fragmented_case{"9.4.3", false, 1 * KiB, '*'},
                      fragmented_case{"9.4.4", false, 4 * KiB, '*'}, fragmented_case{"9.4.5", false, 16 * KiB, '*'},
                      fragmented_case{"9.4.6", false, 64 * KiB, '*'}, fragmented_case{"9.4.7", false, 256 * KiB, '*'},
                      fragmented_case{"9.4.8", false, 1 * MiB, '*'}, fragmented_case{"9.4.9", false, 4 * MiB, '*'}),
    [](const auto& p) { return case_name(p.param.id); });

// ================================================================= 9.5 / 9.6: 1 MiB frame in chops

struct chopped_case {
  const char* id;
  bool is_text;
  std::size_t chop;
};

class autobahn_9_chopped : public ::testing::TestWithParam<chopped_case> {};

TEST_P(autobahn_9_chopped, frame_written_in_chops_echoed) {
  const auto& c = GetParam();
  fuzzer fz;
  echo_peer peer;
  const bytes payload = c.is_text ? repeat(text_pattern, MiB) : repeat(binary_pattern, MiB);
  deadline d(1000);
  peer.write(fz.frame(c.is_text ? op::text : op::binary, payload), c.chop);
  d.check();
  EXPECT_EQ(peer.writes, (MiB + 10 + 4 + c.chop - 1) / c.chop);
  expect_echo(peer, c.is_text, payload);
  expect_fuzzer_closes_cleanly(peer, fz);
}

INSTANTIATE_TEST_SUITE_P(
    limits, autobahn_9_chopped,
    ::testing::Values(chopped_case{"9.5.1", true, 64}, chopped_case{"9.5.2", true, 128}, chopped_case{"9.5.3", true, 256},
                      chopped_case{"9.5.4", true, 512}, chopped_case{"9.5.5", true, 1024}, chopped_case{"9.5.6", true, 2048},
                      chopped_case{"9.6.1", false, 64}, chopped_case{"9.6.2", false, 128}, chopped_case{"9.6.3", false, 256},
                      chopped_case{"9.6.4", false, 512}, chopped_case{"9.6.5", false, 1024}, chopped_case{"9.6.6", false, 2048}),
    [](const auto& p) { return case_name(p.param.id); });

// ================================================================= 9.7 / 9.8: round trips

struct round_trip_case {
  const char* id;
  bool is_text;
  std::size_t size;
  double deadline_s;
};

class autobahn_9_round_trips : public ::testing::TestWithParam<round_trip_case> {};

TEST_P(autobahn_9_round_trips, thousand_messages_one_at_a_time) {
  const auto& c = GetParam();
  fuzzer fz;
  echo_peer peer;
  const bytes payload = c.is_text ? repeat("*", c.size) : repeat_byte(0xFE, c.size);
  const observed expected = c.is_text ? text(payload) : binary(payload);
  deadline d(c.deadline_s);
  for (std::size_t i = 0; i < 1000; ++i) {
    // The next message goes out only after the previous echo came back.
    peer.write(fz.frame(c.is_text ? op::text : op::binary, payload));
    ASSERT_EQ(peer.received.size(), i + 1) << "no echo for message " << i;
    ASSERT_EQ(peer.received.back(), expected) << "wrong echo for message " << i;
  }
  d.check();
  expect_fuzzer_closes_cleanly(peer, fz);
}

INSTANTIATE_TEST_SUITE_P(
    limits, autobahn_9_round_trips,
    ::testing::Values(round_trip_case{"9.7.1", true, 0, 60}, round_trip_case{"9.7.2", true, 16, 60},
                      round_trip_case{"9.7.3", true, 64, 60}, round_trip_case{"9.7.4", true, 256, 120},
                      round_trip_case{"9.7.5", true, 1024, 240}, round_trip_case{"9.7.6", true, 4096, 480},
                      round_trip_case{"9.8.1", false, 0, 60}, round_trip_case{"9.8.2", false, 16, 60},
                      round_trip_case{"9.8.3", false, 64, 60}, round_trip_case{"9.8.4", false, 256, 120},
                      round_trip_case{"9.8.5", false, 1024, 240}, round_trip_case{"9.8.6", false, 4096, 480}),
    [](const auto& p) { return case_name(p.param.id); });

}  // namespace
}  // namespace websock::test::autobahn
