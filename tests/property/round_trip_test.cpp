// Property: whatever one engine sends, the other receives byte for byte, however the messages are
// fragmented, however the bytes are split into reads, with pings interleaved, in both directions,
// assembled and streamed. Fixed seeds keep every run identical.
#include <gtest/gtest.h>

#include <random>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;
using core::message_kind;

// A random_source backed by a seeded generator (masking keys vary, runs repeat).
struct seeded_random {
  std::mt19937 rng;
  static void fill(void* ctx, std::byte* out, std::size_t n) {
    auto* self = static_cast<seeded_random*>(ctx);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(self->rng() & 0xFF);
  }
  core::random_source source() { return {&seeded_random::fill, this}; }
};

std::size_t uniform(std::mt19937& rng, std::size_t lo, std::size_t hi) {
  return std::uniform_int_distribution<std::size_t>(lo, hi)(rng);
}

// Message sizes from empty to 1 MiB, weighted towards the interesting boundaries.
std::size_t random_size(std::mt19937& rng) {
  const auto pick = uniform(rng, 0, 99);
  if (pick < 8) return 0;
  if (pick < 15) return uniform(rng, 124, 127);       // 7-bit / 16-bit boundary
  if (pick < 20) return uniform(rng, 65534, 65537);   // 16-bit / 64-bit boundary
  if (pick < 50) return uniform(rng, 1, 125);
  if (pick < 75) return uniform(rng, 126, 65535);
  if (pick < 95) return uniform(rng, 65536, 256 * 1024);
  return uniform(rng, 256 * 1024, 1024 * 1024);
}

// Valid UTF-8 of about `size` bytes: code points of every length, never a surrogate.
bytes random_utf8(std::mt19937& rng, std::size_t size) {
  bytes out;
  out.reserve(size + 3);
  while (out.size() < size) {
    std::uint32_t cp;
    switch (uniform(rng, 0, 3)) {
      case 0: cp = static_cast<std::uint32_t>(uniform(rng, 0, 0x7F)); break;
      case 1: cp = static_cast<std::uint32_t>(uniform(rng, 0x80, 0x7FF)); break;
      case 2:
        do cp = static_cast<std::uint32_t>(uniform(rng, 0x800, 0xFFFF));
        while (cp >= 0xD800 && cp <= 0xDFFF);
        break;
      default: cp = static_cast<std::uint32_t>(uniform(rng, 0x10000, 0x10FFFF)); break;
    }
    if (cp < 0x80) {
      out.push_back(std::byte(cp));
    } else if (cp < 0x800) {
      out.push_back(std::byte(0xC0 | (cp >> 6)));
      out.push_back(std::byte(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(std::byte(0xE0 | (cp >> 12)));
      out.push_back(std::byte(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(std::byte(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(std::byte(0xF0 | (cp >> 18)));
      out.push_back(std::byte(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(std::byte(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(std::byte(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

bytes random_binary(std::mt19937& rng, std::size_t size) {
  bytes out(size);
  for (auto& b : out) b = static_cast<std::byte>(rng() & 0xFF);
  return out;
}

// Cut points splitting `size` bytes into `pieces` pieces (some may be empty).
std::vector<std::size_t> random_cuts(std::mt19937& rng, std::size_t size, std::size_t pieces) {
  std::vector<std::size_t> cuts{0, size};
  for (std::size_t i = 1; i < pieces; ++i) cuts.push_back(uniform(rng, 0, size));
  std::sort(cuts.begin(), cuts.end());
  return cuts;
}

// Splits the wire bytes into reads of random sizes: often whole, often tiny, mostly log-uniform.
std::vector<std::size_t> random_reads(std::mt19937& rng, std::size_t size) {
  std::vector<std::size_t> reads;
  const auto style = uniform(rng, 0, 9);
  std::size_t at = 0;
  while (at < size) {
    std::size_t n;
    if (style == 0) {
      n = size;
    } else if (style == 1 && size < 64 * 1024) {
      n = uniform(rng, 1, 5);
    } else {
      n = std::size_t{1} << uniform(rng, 0, 17);
      n = uniform(rng, (n + 1) / 2, n);
    }
    n = std::min(n, size - at);
    reads.push_back(n);
    at += n;
  }
  return reads;
}

struct direction {
  core::role sender;
  bool assembled;
};

void PrintTo(const direction& d, std::ostream* os) {
  *os << (d.sender == core::role::client ? "client to server" : "server to client")
      << (d.assembled ? ", assembled" : ", streaming");
}

class round_trip : public ::testing::TestWithParam<std::tuple<direction, unsigned>> {};

TEST_P(round_trip, messages_arrive_byte_exact) {
  const auto [dir, seed] = GetParam();
  std::mt19937 rng(seed);
  seeded_random sender_random{std::mt19937(seed * 7919u + 1)};
  const int iterations = 40;

  for (int iter = 0; iter < iterations; ++iter) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " iteration " + std::to_string(iter));
    core::connection_options so;
    so.endpoint_role = dir.sender;
    so.random = sender_random.source();
    core::connection_options ro;
    ro.endpoint_role = dir.sender == core::role::client ? core::role::server : core::role::client;
    ro.assemble_messages = dir.assembled;
    core::connection sender(so);
    core::connection receiver(ro);

    // ---- the sender queues messages, fragmented at random, with pings between fragments
    struct sent_message {
      message_kind kind;
      bytes payload;
    };
    std::vector<sent_message> messages;
    std::vector<std::string> pings;
    event_list expected;  // in send order: a message counts when its last frame is queued
    std::size_t frames_sent = 0;
    const auto count = uniform(rng, 1, 4);
    for (std::size_t m = 0; m < count; ++m) {
      const auto kind = uniform(rng, 0, 1) == 0 ? message_kind::text : message_kind::binary;
      const auto size = random_size(rng);
      const bytes payload = kind == message_kind::text ? random_utf8(rng, size) : random_binary(rng, size);
      const auto pieces = uniform(rng, 0, 2) == 0 ? 1 : uniform(rng, 2, 9);
      const auto cuts = random_cuts(rng, payload.size(), pieces);
      const std::span<const std::byte> all{payload};
      for (std::size_t p = 0; p + 1 < cuts.size(); ++p) {
        const bool last = p + 2 == cuts.size();
        const auto piece = all.subspan(cuts[p], cuts[p + 1] - cuts[p]);
        if (pieces == 1 && uniform(rng, 0, 1) == 0) {
          ASSERT_EQ(sender.send(kind, piece), errc::ok);
        } else {
          ASSERT_EQ(sender.send_fragment(kind, piece, last), errc::ok);
        }
        ++frames_sent;
        if (last) expected.push_back(message(kind, payload));
        if (uniform(rng, 0, 4) == 0) {
          const bytes ping = random_binary(rng, uniform(rng, 0, 125));
          ASSERT_EQ(sender.send_ping(ping), errc::ok);
          ++frames_sent;
          pings.push_back(to_string(ping));
          expected.push_back(ping_event(pings.back()));
        }
      }
      messages.push_back({kind, payload});
    }
    const bytes wire = take_output(sender);
    {
      const auto decoded = decode_frames(wire);  // strict: minimal lengths, complete frames
      ASSERT_TRUE(decoded.ok()) << decoded.problem;
      ASSERT_EQ(decoded.frames.size(), frames_sent);
      for (const auto& f : decoded.frames) {
        ASSERT_EQ(f.masked, dir.sender == core::role::client) << "masking follows the role";
        ASSERT_EQ(f.rsv, 0);
      }
    }

    // ---- the receiver reads the wire in random pieces
    event_list events;
    std::size_t at = 0;
    for (const auto n : random_reads(rng, wire.size())) {
      feed_one(receiver, std::span{wire}.subspan(at, n), events);
      at += n;
    }
    ASSERT_EQ(at, wire.size());
    ASSERT_FALSE(receiver.failed()) << core::make_error_code(receiver.failure()).message();

    if (dir.assembled) {
      ASSERT_EQ(events.size(), expected.size());
      for (std::size_t i = 0; i < events.size(); ++i) {
        ASSERT_TRUE(events[i] == expected[i]) << "event " << i << ": " << ::testing::PrintToString(events[i])
                                              << " expected " << ::testing::PrintToString(expected[i]);
      }
    } else {
      const auto joined = join_pieces(events);
      ASSERT_EQ(joined.size(), messages.size());
      for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_TRUE(joined[i].complete);
        EXPECT_EQ(joined[i].kind, messages[i].kind);
        ASSERT_TRUE(joined[i].payload == messages[i].payload) << "message " << i;
      }
      event_list expected_control;
      for (const auto& e : expected) {
        if (e.type != core::event_type::message) expected_control.push_back(e);
      }
      EXPECT_EQ(non_message_events(events), expected_control);
    }

    // ---- the pongs travel back, in order
    const bytes back = take_output(receiver);
    event_list pongs;
    at = 0;
    for (const auto n : random_reads(rng, back.size())) {
      feed_one(sender, std::span{back}.subspan(at, n), pongs);
      at += n;
    }
    ASSERT_EQ(pongs.size(), pings.size());
    for (std::size_t i = 0; i < pings.size(); ++i) EXPECT_EQ(pongs[i], pong_event(pings[i]));

    // ---- and the closing handshake completes
    ASSERT_EQ(sender.send_close(1000, "done"), errc::ok);
    EXPECT_EQ(feed(receiver, take_output(sender)), (event_list{close_event(1000, "done")}));
    const auto answer = feed(sender, take_output(receiver));
    ASSERT_EQ(answer.size(), 1u);
    EXPECT_EQ(answer[0].type, core::event_type::close);
    EXPECT_EQ(answer[0].code, 1000);
    EXPECT_TRUE(sender.closing_complete());
    EXPECT_TRUE(receiver.closing_complete());
  }
}

std::string direction_name(const direction& d) {
  return std::string(d.sender == core::role::client ? "client_to_server" : "server_to_client") +
         (d.assembled ? "_assembled" : "_streaming");
}

INSTANTIATE_TEST_SUITE_P(
    seeds, round_trip,
    ::testing::Combine(::testing::Values(direction{core::role::client, true}, direction{core::role::client, false},
                                         direction{core::role::server, true}, direction{core::role::server, false}),
                       ::testing::Values(1u, 2u, 3u, 4u)),
    [](const auto& p) {
      return direction_name(std::get<0>(p.param)) + "_seed_" + std::to_string(std::get<1>(p.param));
    });

}  // namespace
}  // namespace websock::test
