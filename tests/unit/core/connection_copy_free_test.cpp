// Copy-free large messages (issue 13): a frame's declared size sizes its assembly once, the rest of
// a large frame is read straight into place (direct_input / receive_direct), an assembled message
// can be handed over (take_message_buffer), and a server sends a whole message as a header whose
// payload the caller writes itself (send_header_only).
#include <gtest/gtest.h>

#include <cstring>

#include "engine_driver.hpp"
#include "websock/core/connection.hpp"

namespace websock::test {
namespace {

using core::event_type;

bytes pattern(std::size_t n) {
  bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>((i * 7 + i / 251) & 0xff);
  return b;
}

// RFC 6455 5.2 (payload length known from the header): the assembly buffer is allocated once, at
// the frame's size, not grown step by step as pieces arrive.
TEST(copy_free, assembly_is_sized_from_the_frame_header) {
  const bytes payload = pattern(65536);
  bytes wire = client_frame(op::binary, payload);
  core::connection conn(server_options());
  std::span<std::byte> in(wire);
  auto r = conn.receive(in.first(1000));
  EXPECT_EQ(r.ev.type, event_type::none);
  EXPECT_EQ(conn.assembly_capacity(), 65536u);
  r = conn.receive(in.subspan(1000, 30000));
  EXPECT_EQ(conn.assembly_capacity(), 65536u);  // no regrowth
  r = conn.receive(in.subspan(31000));
  ASSERT_EQ(r.ev.type, event_type::message);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), r.ev.payload.begin(), r.ev.payload.end()));
}

// The rest of a large frame goes into the assembly buffer directly and is unmasked there.
TEST(copy_free, direct_input_receives_the_rest_of_a_large_frame_in_place) {
  const bytes payload = pattern(100000);
  bytes wire = client_frame(op::binary, payload);
  core::connection conn(server_options());
  const std::size_t first = 5000;
  ASSERT_EQ(conn.receive(std::span<std::byte>(wire).first(first)).ev.type, event_type::none);
  std::size_t at = first;
  std::size_t direct_reads = 0;
  core::event ev;
  // Short reads straight into place while at least direct_input_min is still to come...
  for (std::span<std::byte> into; !(into = conn.direct_input()).empty();) {
    ASSERT_GE(into.size(), core::connection::direct_input_min);
    ASSERT_EQ(into.size(), wire.size() - at);  // the rest of the frame, sized from its header
    const std::size_t n = std::min<std::size_t>(into.size(), 40000);
    std::memcpy(into.data(), wire.data() + at, n);
    const auto r = conn.receive_direct(n);
    EXPECT_EQ(r.consumed, n);
    at += n;
    ++direct_reads;
    ev = r.ev;
  }
  EXPECT_EQ(direct_reads, 2u);  // 95014 bytes to come: 40000, 40000, and 15014 is under the minimum
  ASSERT_EQ(ev.type, event_type::none);
  // ... and the last few KiB as usual.
  ev = conn.receive(std::span<std::byte>(wire).subspan(at)).ev;
  ASSERT_EQ(ev.type, event_type::message);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), ev.payload.begin(), ev.payload.end()));
  EXPECT_TRUE(conn.direct_input().empty());  // between frames: the next header comes by receive()
}

// Small remainders, control frames, compressed messages and pieces mode take the usual path.
TEST(copy_free, direct_input_is_offered_only_for_a_large_remainder) {
  core::connection conn(server_options());
  bytes small = client_frame(op::binary, pattern(20000));
  ASSERT_EQ(conn.receive(std::span<std::byte>(small).first(6000)).ev.type, event_type::none);
  EXPECT_TRUE(conn.direct_input().empty());  // under direct_input_min left
  auto pieces = server_options();
  pieces.assemble_messages = false;
  core::connection streaming(pieces);
  bytes big = client_frame(op::binary, pattern(200000));
  ASSERT_EQ(streaming.receive(std::span<std::byte>(big).first(100)).ev.type, event_type::message);
  EXPECT_TRUE(streaming.direct_input().empty());
}

// A quiet connection may release its idle memory; room reserved for a frame a read may be filling
// is not idle, even before its first payload byte arrived.
TEST(copy_free, release_idle_memory_keeps_the_room_of_an_open_frame) {
  core::connection conn(server_options());
  bytes wire = client_frame(op::binary, pattern(70000));
  ASSERT_EQ(conn.receive(std::span<std::byte>(wire).first(14)).ev.type, event_type::none);  // header only
  const std::span<std::byte> before = conn.direct_input();
  ASSERT_FALSE(before.empty());
  conn.release_idle_memory();
  const std::span<std::byte> after = conn.direct_input();
  EXPECT_EQ(after.data(), before.data());
  EXPECT_EQ(after.size(), before.size());
}

// A peer's claim alone does not buy memory beyond presize_limit (1 MiB) ahead of its bytes.
TEST(copy_free, a_declared_size_reserves_at_most_a_mebibyte_ahead) {
  auto o = server_options();
  o.max_message_size = 64u << 20;
  core::connection conn(o);
  raw_frame f;
  f.opcode = op::binary;
  f.declared_length = 60u << 20;
  f.mask = rfc_key;
  bytes header = encode(f);
  conn.receive(header);
  EXPECT_LE(conn.assembly_capacity(), (1u << 20) + 64);
}

TEST(copy_free, an_assembled_message_can_be_taken_without_a_copy) {
  core::connection conn(server_options());
  const bytes payload = pattern(3000);
  bytes wire = concat({client_frame(op::binary, std::span(payload).first(1000), false),
                       client_frame(op::continuation, std::span(payload).subspan(1000), true)});
  const auto r = conn.receive(wire);
  ASSERT_EQ(r.ev.type, event_type::message);
  const std::byte* where = r.ev.payload.data();
  auto taken = conn.take_message_buffer(r.ev.payload);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(taken.get(), where);
  EXPECT_EQ(std::memcmp(taken.get(), payload.data(), payload.size()), 0);
  EXPECT_EQ(conn.assembly_capacity(), 0u);
  EXPECT_EQ(conn.take_message_buffer(r.ev.payload), nullptr);  // once
  // The next message is assembled in a fresh buffer, and the taken one is untouched.
  bytes again = concat({client_frame(op::binary, "ab", false), client_frame(op::continuation, "cd", true)});
  const auto r2 = conn.receive(again);
  ASSERT_EQ(r2.ev.type, event_type::message);
  EXPECT_EQ(to_string(r2.ev.payload), "abcd");
  EXPECT_EQ(std::memcmp(taken.get(), payload.data(), payload.size()), 0);
}

TEST(copy_free, a_message_that_arrived_whole_in_the_callers_buffer_is_not_taken) {
  core::connection conn(server_options());
  bytes wire = client_frame(op::binary, "hello");
  const auto r = conn.receive(wire);
  ASSERT_EQ(r.ev.type, event_type::message);
  EXPECT_EQ(conn.take_message_buffer(r.ev.payload), nullptr);
}

// RFC 6455 5.1: a server never masks, so its payload can be written as the caller holds it.
TEST(copy_free, server_queues_only_the_header_of_a_whole_message) {
  core::connection conn(server_options());
  ASSERT_TRUE(conn.can_send_header_only(70000));
  ASSERT_EQ(conn.send_header_only(core::message_kind::binary, 70000), core::errc::ok);
  EXPECT_EQ(to_hex(conn.pending_output()), "82 7f 00 00 00 00 00 01 11 70");
  // What follows is framed after it (the caller wrote the payload in between).
  ASSERT_EQ(conn.send(core::message_kind::text, core::connection::as_bytes("x")), core::errc::ok);
  EXPECT_EQ(conn.pending_output().size(), 10u + 3u);
}

TEST(copy_free, header_only_does_not_apply_where_the_payload_must_change) {
  core::connection client(client_options());
  EXPECT_FALSE(client.can_send_header_only(100));  // 5.3: a client masks every frame
  core::connection fragmenting(server_options());
  ASSERT_EQ(fragmenting.send_fragment(core::message_kind::binary, core::connection::as_bytes("a"), false),
            core::errc::ok);
  EXPECT_FALSE(fragmenting.can_send_header_only(100));  // inside a fragmented message of ours
  EXPECT_NE(fragmenting.send_header_only(core::message_kind::binary, 100), core::errc::ok);
  core::connection closed(server_options());
  ASSERT_EQ(closed.send_close(), core::errc::ok);
  EXPECT_EQ(closed.send_header_only(core::message_kind::binary, 10), core::errc::send_after_close);  // 5.5.1
}

}  // namespace
}  // namespace websock::test

namespace websock::test {
namespace {

// A message of many small fragments (Autobahn 9.3/9.4) grows its assembly geometrically: it did
// once grow by exactly one frame per frame, copying itself each time (quadratic, 9.3.1 took
// minutes).
TEST(copy_free, many_small_fragments_grow_the_assembly_geometrically) {
  core::connection conn(server_options());
  std::size_t reallocations = 0;
  std::size_t capacity = 0;
  const bytes piece = pattern(64);
  for (int i = 0; i < 4096; ++i) {
    bytes f = client_frame(i == 0 ? op::binary : op::continuation, piece, i == 4095);
    const auto r = conn.receive(f);
    if (conn.assembly_capacity() != capacity) {
      ++reallocations;
      capacity = conn.assembly_capacity();
    }
    if (i == 4095) {
      ASSERT_EQ(r.ev.type, event_type::message);
      EXPECT_EQ(r.ev.payload.size(), 4096u * 64);
    }
  }
  EXPECT_LT(reallocations, 32u);
}

}  // namespace
}  // namespace websock::test
