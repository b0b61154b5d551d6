// permessage-deflate in the engine (RFC 7692 6 and 7.2), both roles: the RFC's own examples on the
// wire, round trips of every size and window the Autobahn groups 12 and 13 use, fragmented messages
// in both directions, context takeover and its absence, and the bounds a compression bomb meets.
// The rule each test points to is quoted in docs/permessage-deflate.md.
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include <zlib.h>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;
using core::event_type;
using core::message_kind;

core::deflate_session session(bool server_reset = false, bool client_reset = false, int server_bits = 15,
                              int client_bits = 15) {
  core::deflate_session s;
  s.agreement.server_no_context_takeover = server_reset;
  s.agreement.client_no_context_takeover = client_reset;
  s.agreement.server_max_window_bits = static_cast<std::uint8_t>(server_bits);
  s.agreement.client_max_window_bits = static_cast<std::uint8_t>(client_bits);
  return s;
}

core::connection_options options(core::role r, const core::deflate_session& s, bool assemble = true) {
  core::connection_options o;
  o.endpoint_role = r;
  o.deflate = s;
  o.assemble_messages = assemble;
  return o;
}

struct received {
  event_type type = event_type::none;
  message_kind kind = message_kind::binary;
  std::string payload;
  bool last = true;
  std::uint16_t code = 0;
  errc error = errc::ok;
};

// Feeds `wire` to `c` in chunks of `chunk` bytes and records every event (owned copies).
std::vector<received> feed(core::connection& c, bytes wire, std::size_t chunk = 1 << 20) {
  std::vector<received> out;
  std::span<std::byte> rest(wire);
  while (!rest.empty()) {
    std::span<std::byte> input = rest.first(std::min(chunk, rest.size()));
    rest = rest.subspan(input.size());
    for (;;) {
      const auto r = c.receive(input);
      input = input.subspan(r.consumed);
      if (r.ev.type == event_type::none) break;
      out.push_back({r.ev.type, r.ev.kind, to_string(r.ev.payload), r.ev.last, r.ev.code, r.ev.error});
    }
  }
  return out;
}

// Whole messages out of a list of pieces (assembled events pass through).
std::vector<std::string> messages_of(const std::vector<received>& events) {
  std::vector<std::string> out;
  std::string open;
  for (const auto& e : events) {
    if (e.type != event_type::message) continue;
    open += e.payload;
    if (e.last) {
      out.push_back(open);
      open.clear();
    }
  }
  return out;
}

bytes take_output(core::connection& c) {
  const auto out = c.pending_output();
  bytes b(out.begin(), out.end());
  c.consume_output(out.size());
  return b;
}

// JSON-like text of about n bytes: repetitive, as chat and telemetry messages are.
std::string json_like(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) {
    s += "{\"user\":\"u" + std::to_string(rng() % 50) + "\",\"temp\":" + std::to_string(rng() % 400) +
         ",\"ok\":true},";
  }
  s.resize(n);
  return s;
}

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// ---- RFC 7692 7.2.3: the examples, byte for byte

TEST(Rfc7692_7_2_3, ReceivesTheRfcExamples) {
  core::connection client(options(core::role::client, session()));
  // 7.2.3.1 "Hello" in one frame; 7.2.3.2 the same in two fragments (RSV1 on the first only);
  // 7.2.3.3 a second "Hello" using the first one's window (context takeover); 7.2.3.4 a stored
  // block (no compression inside the extension).
  const auto events = feed(client, concat({from_hex("c1 07 f2 48 cd c9 c9 07 00"), from_hex("41 03 f2 48 cd"),
                                           from_hex("80 04 c9 c9 07 00"), from_hex("c1 05 f2 00 11 00 00"),
                                           from_hex("c1 0b 00 05 00 fa ff 48 65 6c 6c 6f 00")}));
  ASSERT_EQ(messages_of(events), (std::vector<std::string>{"Hello", "Hello", "Hello", "Hello"}));
  for (const auto& e : events) EXPECT_EQ(e.kind, message_kind::text);
}

TEST(Rfc7692_7_2_3, AMessageEndingInAFinalBlockIsWholeAndTheNextStartsAfresh) {
  // 7.2.3.5: "Hello" in a block with BFINAL set (f3, not f2), then an ordinary "Hello". A final
  // block ends the message's data: the appended tail must not be inflated after it (it was, and
  // left zlib in a stored block that swallowed the next message).
  for (bool assemble : {true, false}) {
    core::connection client(options(core::role::client, session(), assemble));
    const auto events = feed(client, concat({from_hex("c1 07 f3 48 cd c9 c9 07 00"),
                                             from_hex("c1 07 f2 48 cd c9 c9 07 00")}), 3);
    EXPECT_EQ(messages_of(events), (std::vector<std::string>{"Hello", "Hello"})) << assemble;
  }
}

TEST(Rfc7692_7_2_3, AFinalBlockTheTailCompletesEndsTheMessageAndTheNextIsWhole) {
  // 01: a final stored block whose LEN/NLEN the appended tail supplies (a sender that finishes an
  // empty message with Z_FINISH and drops four bytes). The stream ends inside end of message; the
  // next message must still inflate (it came out empty before).
  core::connection client(options(core::role::client, session()));
  const auto events = feed(client, concat({from_hex("c1 01 01"), from_hex("c1 07 f2 48 cd c9 c9 07 00")}));
  EXPECT_EQ(messages_of(events), (std::vector<std::string>{"", "Hello"}));
}

TEST(Rfc7692_7_2_2, DataThatStopsInsideABlockFailsWith1007) {
  // An empty payload with RSV1: with the tail appended it is a stored block without its length,
  // not an empty message (that is 00). Taken as empty, it left zlib inside the block and the next
  // message failed instead.
  core::connection client(options(core::role::client, session()));
  const auto events = feed(client, concat({from_hex("c1 00"), from_hex("c1 07 f2 48 cd c9 c9 07 00")}));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, event_type::error);
  EXPECT_EQ(events[0].code, 1007);
}

TEST(Rfc7692_7_2_3, EmptyMessagesAreOneZeroByteEvenAfterAFlush) {
  // 7.2.3.6: an empty message is "00". After an earlier message zlib writes nothing at all for the
  // empty one, and an empty payload is not a deflate stream the peer can end (it sent one, and
  // Python websockets and Chromium failed the connection).
  core::connection server(options(core::role::server, session()));
  ASSERT_EQ(server.send(""), errc::ok);
  ASSERT_EQ(server.send("a"), errc::ok);
  ASSERT_EQ(server.send(""), errc::ok);
  ASSERT_EQ(server.send_fragment(message_kind::text, as_span("b"), false), errc::ok);
  ASSERT_EQ(server.send_fragment(message_kind::text, as_span(""), true), errc::ok);
  const bytes wire = take_output(server);
  EXPECT_EQ(to_hex(bytes(wire.begin(), wire.begin() + 3)), "c1 01 00");
  EXPECT_EQ(to_hex(bytes(wire.end() - 3, wire.end())), "80 01 00");
  core::connection client(options(core::role::client, session()));
  EXPECT_EQ(messages_of(feed(client, wire)), (std::vector<std::string>{"", "a", "", "b"}));
  core::connection reader(options(core::role::client, session()));
  EXPECT_EQ(messages_of(feed(reader, from_hex("c1 01 00"))), (std::vector<std::string>{""}));
}

TEST(Rfc7692_7_2_1, SendsHelloAsTheRfcShowsItWithTheTailDropped) {
  core::connection server(options(core::role::server, session()));
  ASSERT_EQ(server.send("Hello"), errc::ok);
  EXPECT_EQ(to_hex(take_output(server)), "c1 07 f2 48 cd c9 c9 07 00");
}

TEST(Rfc7692_6_1, ControlFramesAreNeverCompressed) {
  core::connection server(options(core::role::server, session()));
  ASSERT_EQ(server.send_ping(as_span("ping")), errc::ok);
  ASSERT_EQ(server.send_close(1000, "bye"), errc::ok);
  EXPECT_EQ(to_hex(take_output(server)), "89 04 70 69 6e 67 88 05 03 e8 62 79 65");
}

TEST(Rfc7692_6_1, Rsv1OnAControlOrContinuationFrameFailsWith1002) {
  for (const char* wire : {"c9 00", "01 01 41 c0 00"}) {  // ping with RSV1; continuation with RSV1
    core::connection client(options(core::role::client, session()));
    const auto events = feed(client, from_hex(wire));
    ASSERT_FALSE(events.empty()) << wire;
    EXPECT_EQ(events.back().type, event_type::error) << wire;
    EXPECT_EQ(events.back().code, 1002) << wire;
  }
}

TEST(Rfc7692_6_1, Rsv1WithoutTheExtensionFailsWith1002) {
  core::connection_options o;
  o.endpoint_role = core::role::client;
  core::connection client(o);
  const auto events = feed(client, from_hex("c1 07 f2 48 cd c9 c9 07 00"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code, 1002);
}

TEST(Rfc7692_7_2_2, DataThatDoesNotInflateFailsWith1007) {
  core::connection client(options(core::role::client, session()));
  const auto events = feed(client, from_hex("c1 03 ff ff ff"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, event_type::error);
  EXPECT_EQ(events[0].error, errc::invalid_compressed_data);
  EXPECT_EQ(events[0].code, 1007);
}

TEST(Rfc7692_7_2_2, InflatedTextIsCheckedForUtf8) {
  core::connection server(options(core::role::server, session()));
  core::connection client(options(core::role::client, session()));
  ASSERT_EQ(client.send(message_kind::text, as_span("ok \xff bad")), errc::ok);  // the sender does not check
  const auto events = feed(server, take_output(client));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].code, 1007);
}

// ---- round trips: Autobahn 12.x / 13.x sizes, takeover choices and windows

struct round_trip_case {
  bool server_reset, client_reset;
  int server_bits, client_bits;
  bool assemble;
  std::size_t chunk;  // how the receiver's input is split
};

class RoundTrip : public ::testing::TestWithParam<round_trip_case> {};

TEST_P(RoundTrip, MessagesFrom16BytesTo256KiBComeBackUnchangedBothWays) {
  const auto& p = GetParam();
  const auto s = session(p.server_reset, p.client_reset, p.server_bits, p.client_bits);
  core::connection server(options(core::role::server, s, p.assemble));
  core::connection client(options(core::role::client, s, p.assemble));
  std::vector<std::string> sent;
  unsigned seed = 1;
  for (std::size_t size = 16; size <= (256u << 10); size *= 4) {
    for (int i = 0; i < 3; ++i) sent.push_back(i == 2 ? random_bytes(size, seed++) : json_like(size, seed++));
  }
  for (const auto& m : sent) ASSERT_EQ(client.send(message_kind::binary, as_span(m)), errc::ok);
  const bytes upstream = take_output(client);
  ASSERT_EQ(messages_of(feed(server, upstream, p.chunk)), sent);
  for (const auto& m : sent) ASSERT_EQ(server.send(message_kind::binary, as_span(m)), errc::ok);
  const bytes downstream = take_output(server);
  ASSERT_EQ(messages_of(feed(client, downstream, p.chunk)), sent);
  // Compression happened where it could (both directions with a window zlib can use).
  std::size_t total = 0;
  for (const auto& m : sent) total += m.size();
  if (p.client_bits >= 9) {
    EXPECT_LT(upstream.size(), total);
  }
  if (p.server_bits >= 9) {
    EXPECT_LT(downstream.size(), total);
  } else {
    EXPECT_GT(downstream.size(), total) << "window 8: sent uncompressed";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7692, RoundTrip,
    ::testing::Values(round_trip_case{false, false, 15, 15, true, 1 << 20}, round_trip_case{true, true, 15, 15, true, 1 << 20},
                      round_trip_case{false, false, 15, 15, false, 4096}, round_trip_case{true, false, 9, 15, false, 1000},
                      round_trip_case{false, true, 15, 9, true, 7}, round_trip_case{false, false, 8, 8, true, 1 << 20},
                      round_trip_case{true, true, 8, 9, false, 333}, round_trip_case{false, false, 12, 10, true, 65536},
                      round_trip_case{false, false, 11, 13, false, 1 << 20}));

TEST(Rfc7692_6_1, FragmentedCompressedMessagesBothWaysWithRsv1OnTheFirstFrameOnly) {
  const auto s = session();
  core::connection server(options(core::role::server, s));
  core::connection client(options(core::role::client, s, false));
  const std::string a = json_like(5000, 7), b = json_like(70000, 8), c = "tail";
  ASSERT_EQ(server.send_fragment(message_kind::text, as_span(a), false), errc::ok);
  ASSERT_EQ(server.send_fragment(message_kind::text, as_span(b), false), errc::ok);
  ASSERT_EQ(server.send_fragment(message_kind::text, as_span(c), true), errc::ok);
  const bytes wire = take_output(server);
  EXPECT_EQ(std::to_integer<unsigned>(wire[0]), 0x41u);  // text, RSV1, not final
  EXPECT_EQ(messages_of(feed(client, wire, 999)), (std::vector<std::string>{a + b + c}));
  // And the other way, into an assembling server.
  ASSERT_EQ(client.send_fragment(message_kind::binary, as_span(b), false), errc::ok);
  ASSERT_EQ(client.send_fragment(message_kind::binary, as_span(a), true), errc::ok);
  EXPECT_EQ(messages_of(feed(server, take_output(client))), (std::vector<std::string>{b + a}));
}

TEST(Rfc7692_7_1_1, WithoutContextTakeoverEachMessageStandsAlone) {
  // The same message twice: with takeover the second is much shorter (it refers to the first);
  // without, both compress to the same bytes.
  core::connection keeps(options(core::role::server, session(false, false)));
  core::connection resets(options(core::role::server, session(true, false)));
  const std::string m = json_like(2000, 3);
  for (auto* c : {&keeps, &resets}) {
    ASSERT_EQ(c->send(message_kind::text, as_span(m)), errc::ok);
    ASSERT_EQ(c->send(message_kind::text, as_span(m)), errc::ok);
  }
  const bytes k = take_output(keeps), r = take_output(resets);
  EXPECT_EQ(r.size() % 2, 0u);
  EXPECT_EQ(bytes(r.begin(), r.begin() + r.size() / 2), bytes(r.begin() + r.size() / 2, r.end()));
  EXPECT_LT(k.size(), r.size() * 3 / 4);
}

TEST(Rfc7692_7_2_1, MessagesBelowTheThresholdGoOutUncompressed) {
  auto s = session();
  s.min_compress_size = 100;
  core::connection server(options(core::role::server, s));
  ASSERT_EQ(server.send("short"), errc::ok);
  EXPECT_EQ(to_hex(take_output(server)), "81 05 73 68 6f 72 74");  // no RSV1
  ASSERT_EQ(server.send(message_kind::text, as_span(std::string(200, 'a'))), errc::ok);
  EXPECT_EQ(std::to_integer<unsigned>(take_output(server)[0]), 0xc1u);
}

TEST(Rfc7692_7_2_1, ZeroCopyFramesCannotContinueACompressedMessage) {
  core::connection server(options(core::role::server, session()));
  ASSERT_EQ(server.send_fragment(message_kind::text, as_span("abc"), false), errc::ok);
  core::outgoing_frame f;
  EXPECT_EQ(server.start_frame(core::opcode::text, true, 3, f), errc::message_kind_mismatch);
}

// ---- bombs (RFC 7692 8.1 "endpoints ... limit ... resources"): the limit is on inflated bytes,
// enforced step by step

bytes deflated_zeros(std::size_t n) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
  std::vector<unsigned char> zeros(1 << 20, 0);
  bytes out;
  std::vector<unsigned char> buf(1 << 16);
  for (std::size_t left = n; left > 0;) {
    const std::size_t take = std::min(left, zeros.size());
    left -= take;
    zs.next_in = zeros.data();
    zs.avail_in = static_cast<uInt>(take);
    do {
      zs.next_out = buf.data();
      zs.avail_out = static_cast<uInt>(buf.size());
      deflate(&zs, left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH);
      const auto* b = reinterpret_cast<const std::byte*>(buf.data());
      out.insert(out.end(), b, b + (buf.size() - zs.avail_out));
    } while (zs.avail_out == 0);
  }
  deflateEnd(&zs);
  out.resize(out.size() - 4);  // the tail, as a sender drops it
  return out;
}

// One server frame carrying `payload` with RSV1 (server frames are unmasked).
bytes compressed_frame(const bytes& payload) {
  bytes f{std::byte{0xc2}};
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<std::byte>(n));
  } else if (n < 65536) {
    f.push_back(std::byte{126});
    for (int shift = 8; shift >= 0; shift -= 8) f.push_back(static_cast<std::byte>((n >> shift) & 0xff));
  } else {
    f.push_back(std::byte{127});
    for (int shift = 56; shift >= 0; shift -= 8) f.push_back(static_cast<std::byte>((n >> shift) & 0xff));
  }
  append(f, payload);
  return f;
}

TEST(Rfc7692_8_1, ABombFailsWith1009AsSoonAsTheInflatedLimitIsCrossed) {
  const bytes bomb = deflated_zeros(std::size_t{256} << 20);  // 256 MiB of zeros in ~250 KiB
  ASSERT_LT(bomb.size(), 300u << 10);
  for (bool assemble : {true, false}) {
    auto o = options(core::role::client, session(), assemble);
    o.max_message_size = 1u << 20;
    core::connection client(o);
    bytes wire = compressed_frame(bomb);
    std::span<std::byte> input(wire);
    std::size_t inflated = 0, peak = 0, largest_piece = 0;
    received last;
    for (;;) {
      const auto r = client.receive(input);
      input = input.subspan(r.consumed);
      peak = std::max(peak, client.assembly_capacity());  // the whole-message buffer
      if (r.ev.type == event_type::message) {
        inflated += r.ev.payload.size();  // pieces mode: what was handed out before the failure
        largest_piece = std::max(largest_piece, r.ev.payload.size());
      }
      if (r.ev.type == event_type::none || r.ev.type == event_type::error) {
        last = {r.ev.type, r.ev.kind, {}, true, r.ev.code, r.ev.error};
        break;
      }
    }
    EXPECT_EQ(last.type, event_type::error) << assemble;
    EXPECT_EQ(last.code, 1009) << assemble;
    // Failed within one step of the limit: whole, the buffer stays near the limit (it doubles);
    // in pieces, no more than the limit went out, one step at a time.
    if (assemble) {
      EXPECT_EQ(inflated, 0u);
      EXPECT_GE(peak, 1u << 20);
      EXPECT_LE(peak, 2u << 20);
    } else {
      EXPECT_LE(inflated, (1u << 20) + (16u << 10));
      EXPECT_GE(inflated, 1u << 20);
      EXPECT_LE(largest_piece, 16u << 10);
      EXPECT_EQ(peak, 0u);
    }
  }
}

TEST(Rfc7692_8_1, PiecesModeHoldsOneStepAtATime) {
  // Without assembly every piece is at most one step, whatever a frame inflates to.
  const bytes bomb = deflated_zeros(std::size_t{8} << 20);
  auto o = options(core::role::client, session(), false);
  o.max_message_size = std::uint64_t{1} << 40;
  core::connection client(o);
  bytes wire = compressed_frame(bomb);
  std::span<std::byte> input(wire);
  std::size_t total = 0, largest = 0, pieces = 0;
  for (;;) {
    const auto r = client.receive(input);
    input = input.subspan(r.consumed);
    if (r.ev.type != event_type::message) {
      ASSERT_EQ(r.ev.type, event_type::none) << core::make_error_code(r.ev.error).message() << " after " << total;
      break;
    }
    ++pieces;
    total += r.ev.payload.size();
    largest = std::max(largest, r.ev.payload.size());
    if (r.ev.last) break;
  }
  EXPECT_EQ(total, std::size_t{8} << 20);
  EXPECT_LE(largest, 16u << 10);
  EXPECT_GE(pieces, (std::size_t{8} << 20) / (16u << 10));
  EXPECT_EQ(client.assembly_capacity(), 0u);
}

TEST(Rfc7692_8_1, AnIdleConnectionWithoutTakeoverGivesItsZlibMemoryBack) {
  const auto s = session(true, true);
  core::connection server(options(core::role::server, s));
  core::connection client(options(core::role::client, s));
  ASSERT_EQ(client.send(message_kind::text, as_span(json_like(3000, 1))), errc::ok);
  ASSERT_EQ(messages_of(feed(server, take_output(client))).size(), 1u);
  ASSERT_EQ(server.send(message_kind::text, as_span(json_like(3000, 2))), errc::ok);
  EXPECT_TRUE(server.holds_deflate_memory());
  server.release_idle_memory();
  EXPECT_FALSE(server.holds_deflate_memory());
  // And it works again afterwards.
  ASSERT_EQ(server.send(message_kind::text, as_span(json_like(3000, 3))), errc::ok);
  EXPECT_EQ(messages_of(feed(client, take_output(server))).size(), 2u);
}

}  // namespace
}  // namespace websock::test
