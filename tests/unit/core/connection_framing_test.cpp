// The engine's frame layer, both directions: RFC 6455 sections 5.1-5.3 and the 5.7 examples.
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;

core::connection_options server_with(std::uint8_t allowed_rsv) {
  auto o = server_options();
  o.allowed_rsv = allowed_rsv;
  return o;
}

// ================================================================= RFC 6455 5.7 examples, received

TEST(connection_framing, rfc_5_7_single_frame_unmasked_text_to_client) {
  expect_events(client_options(), from_hex("81 05 48 65 6c 6c 6f"), {text_message("Hello")});
}

TEST(connection_framing, rfc_5_7_single_frame_masked_text_to_server) {
  expect_events(server_options(), from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"), {text_message("Hello")});
}

TEST(connection_framing, rfc_5_7_fragmented_unmasked_text) {
  expect_events(client_options(), from_hex("01 03 48 65 6c 80 02 6c 6f"), {text_message("Hello")});
}

TEST(connection_framing, rfc_5_7_unmasked_ping) {
  const auto r = expect_events(client_options(), from_hex("89 05 48 65 6c 6c 6f"), {ping_event("Hello")});
  ASSERT_EQ(r.output.size(), 1u);
  EXPECT_EQ(r.output[0].opcode, op::pong);
  EXPECT_TRUE(r.output[0].masked) << "a client's pong is masked";
  EXPECT_EQ(to_string(r.output[0].payload), "Hello");
}

TEST(connection_framing, rfc_5_7_masked_pong) {
  expect_events(server_options(), from_hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"), {pong_event("Hello")});
}

TEST(connection_framing, rfc_5_7_binary_256_bytes) {
  const bytes payload = repeat(from_hex("00 01 02 fe ff"), 256);
  expect_events(client_options(), concat({from_hex("82 7e 01 00"), payload}), {binary_message(payload)});
}

TEST(connection_framing, rfc_5_7_binary_64_kib) {
  const bytes payload = repeat(from_hex("de ad be ef 00"), 65536);
  for (std::size_t chunk : {0u, 1u, 1000u}) {
    core::connection c(client_options());
    const auto events = feed(c, concat({from_hex("82 7f 00 00 00 00 00 01 00 00"), payload}), chunk);
    ASSERT_EQ(events.size(), 1u) << chunk_label(chunk);
    EXPECT_TRUE(events[0] == binary_message(payload)) << chunk_label(chunk);
  }
}

// ================================================================= payload length forms

TEST(connection_framing, seven_bit_lengths) {
  for (std::size_t n : {0u, 1u, 124u, 125u}) {
    SCOPED_TRACE(n);
    const bytes payload = repeat("*", n);
    expect_events(server_options(), client_frame(op::binary, payload), {binary_message(payload)});
  }
}

TEST(connection_framing, sixteen_bit_lengths) {
  for (std::size_t n : {126u, 127u, 128u, 1000u, 65535u}) {
    SCOPED_TRACE(n);
    const bytes payload = repeat("0123456789", n);
    core::connection conn(server_options());
    const auto events = feed(conn, client_frame(op::binary, payload));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0] == binary_message(payload));
    core::connection bytewise(server_options());
    const auto events1 = feed(bytewise, client_frame(op::binary, payload), 1);
    ASSERT_EQ(events1.size(), 1u);
    EXPECT_TRUE(events1[0] == binary_message(payload));
  }
}

TEST(connection_framing, sixty_four_bit_lengths) {
  for (std::size_t n : {65536u, 65537u, 200000u}) {
    SCOPED_TRACE(n);
    const bytes payload = repeat("abcdefg", n);
    for (std::size_t chunk : {0u, 1u, 4093u}) {
      core::connection conn(server_options());
      const auto events = feed(conn, client_frame(op::text, payload), chunk);
      ASSERT_EQ(events.size(), 1u) << chunk_label(chunk);
      EXPECT_TRUE(events[0] == message(core::message_kind::text, payload)) << chunk_label(chunk);
    }
  }
}

TEST(connection_framing, non_minimal_16bit_length) {
  for (std::size_t n : {0u, 5u, 125u}) {
    SCOPED_TRACE(n);
    raw_frame f;
    f.opcode = op::text;
    f.payload = repeat("x", n);
    f.mask = rfc_key;
    f.form = length_form::bits16;
    expect_failure(server_options(), encode(f), errc::non_minimal_length, 1002);
  }
}

TEST(connection_framing, non_minimal_64bit_length) {
  for (std::size_t n : {0u, 125u, 126u, 65535u}) {
    SCOPED_TRACE(n);
    raw_frame f;
    f.opcode = op::binary;
    f.payload = repeat("x", n);
    f.mask = rfc_key;
    f.form = length_form::bits64;
    expect_failure(server_options(), encode(f), errc::non_minimal_length, 1002);
  }
}

TEST(connection_framing, length_msb_set) {
  for (std::uint64_t len : {0x8000000000000000ull, 0x8000000000010000ull, 0xFFFFFFFFFFFFFFFFull}) {
    SCOPED_TRACE(len);
    raw_frame f;
    f.opcode = op::binary;
    f.mask = rfc_key;
    f.declared_length = len;
    expect_failure(server_options(), encode(f), errc::length_msb_set, 1002);
    expect_failure(client_options(), encode(raw_frame{true, 0, op::binary, {}, std::nullopt,
                                                      length_form::minimal, len}),
                   errc::length_msb_set, 1002);
  }
}

TEST(connection_framing, largest_legal_64bit_length_is_not_a_framing_error) {
  // 2^63 - 1 is a legal length; a message limit may refuse it, but not as a framing error.
  raw_frame f;
  f.opcode = op::binary;
  f.mask = rfc_key;
  f.declared_length = 0x7FFFFFFFFFFFFFFFull;
  core::connection conn(server_options());
  const auto events = feed(conn, encode(f));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, core::event_type::error);
  EXPECT_EQ(events[0].code, 1009);
  EXPECT_TRUE(events[0].error == errc::frame_too_large || events[0].error == errc::message_too_large);
}

// ================================================================= FIN, RSV, opcodes

TEST(connection_framing, reserved_opcode_3) {
  expect_failure(server_options(), client_frame(3, ""), errc::reserved_opcode, 1002);
}

TEST(connection_framing, reserved_data_opcodes_3_to_7) {
  for (std::uint8_t o = 3; o <= 7; ++o) {
    SCOPED_TRACE(int{o});
    expect_failure(server_options(), client_frame(o, "reserved opcode payload"), errc::reserved_opcode, 1002);
    expect_failure(client_options(), server_frame(o, ""), errc::reserved_opcode, 1002);
  }
}

TEST(connection_framing, reserved_control_opcodes_11_to_15) {
  for (std::uint8_t o = 11; o <= 15; ++o) {
    SCOPED_TRACE(int{o});
    expect_failure(server_options(), client_frame(o, "Hello, world!"), errc::reserved_opcode, 1002);
    expect_failure(client_options(), server_frame(o, ""), errc::reserved_opcode, 1002);
  }
}

TEST(connection_framing, reserved_opcode_after_valid_message_delivers_the_message_first) {
  const bytes input = concat({client_frame(op::text, "Hello, world!"), client_frame(5, ""), client_frame(op::ping, "")});
  expect_failure(server_options(), input, errc::reserved_opcode, 1002, {text_message("Hello, world!")});
}

TEST(connection_framing, rsv1_without_extension) {
  expect_failure(server_options(), client_frame(op::text, "Hello, world!", true, rfc_key, 0x40),
                 errc::reserved_bits, 1002);
}

TEST(connection_framing, rsv2_and_rsv3_without_extension) {
  for (std::uint8_t rsv : std::initializer_list<std::uint8_t>{0x20, 0x10, 0x30, 0x50, 0x60, 0x70}) {
    SCOPED_TRACE(int{rsv});
    expect_failure(server_options(), client_frame(op::text, "Hello, world!", true, rfc_key, rsv),
                   errc::reserved_bits, 1002);
    expect_failure(client_options(), server_frame(op::binary, "x", true, rsv), errc::reserved_bits, 1002);
  }
}

TEST(connection_framing, rsv_on_control_frame_without_extension) {
  expect_failure(server_options(), client_frame(op::close, "", true, rfc_key, 0x70), errc::reserved_bits, 1002);
  expect_failure(server_options(), client_frame(op::ping, "", true, rfc_key, 0x10), errc::reserved_bits, 1002);
}

TEST(connection_framing, rsv1_accepted_when_an_extension_allows_it) {
  const bytes payload = from_hex("f2 48 cd c9 c9 07 00");  // not UTF-8: compressed bytes
  auto o = server_with(core::rsv1_bit);
  o.validate_utf8 = false;  // the extension layer checks text after decompression
  expect_events(o, client_frame(op::text, payload, true, rfc_key, 0x40),
                {message(core::message_kind::text, payload, true, core::rsv1_bit)});
}

TEST(connection_framing, rsv1_of_first_frame_reported_for_whole_message) {
  const bytes input = concat({client_frame(op::binary, "ab", false, rfc_key, 0x40),
                              client_frame(op::continuation, "cd", true)});
  expect_events(server_with(core::rsv1_bit), input,
                {message(core::message_kind::binary, as_span("abcd"), true, core::rsv1_bit)});
}

TEST(connection_framing, rsv1_on_continuation_rejected_even_with_extension) {
  // RFC 7692 6.1: the compressed bit is set on the first frame of a message only.
  const bytes input = concat({client_frame(op::binary, "ab", false, rfc_key, 0x40),
                              client_frame(op::continuation, "cd", true, rfc_key, 0x40)});
  expect_failure(server_with(core::rsv1_bit), input, errc::reserved_bits, 1002);
}

TEST(connection_framing, rsv1_on_control_frame_rejected_even_with_extension) {
  expect_failure(server_with(core::rsv1_bit), client_frame(op::ping, "", true, rfc_key, 0x40),
                 errc::reserved_bits, 1002);
}

TEST(connection_framing, rsv2_rejected_when_only_rsv1_allowed) {
  expect_failure(server_with(core::rsv1_bit), client_frame(op::text, "x", true, rfc_key, 0x20),
                 errc::reserved_bits, 1002);
}

// ================================================================= masking (5.1, 5.3)

TEST(connection_framing, rejects_unmasked_client_frame) {
  expect_failure(server_options(), server_frame(op::text, "Hello"), errc::unmasked_frame, 1002);
  expect_failure(server_options(), server_frame(op::ping, ""), errc::unmasked_frame, 1002);
}

TEST(connection_framing, rejects_masked_server_frame) {
  expect_failure(client_options(), client_frame(op::text, "Hello"), errc::masked_frame, 1002);
  expect_failure(client_options(), client_frame(op::close, close_body(1000)), errc::masked_frame, 1002);
}

TEST(connection_framing, unmasked_frame_rejected_from_its_header_alone) {
  // The violation is known when the header is; no payload byte is needed.
  core::connection conn(server_options());
  const auto events = feed(conn, from_hex("82 7e 10 00"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], error_event(errc::unmasked_frame, 1002));
}

TEST(connection_framing, wrong_masking_accepted_when_allowed) {
  auto server = server_options();
  server.accept_wrong_masking = true;
  expect_events(server, server_frame(op::text, "Hello"), {text_message("Hello")});
  auto client = client_options();
  client.accept_wrong_masking = true;
  expect_events(client, client_frame(op::text, "Hello"), {text_message("Hello")});  // and unmasked
}

TEST(connection_framing, each_frame_unmasked_with_its_own_key) {
  const core::mask_key k1{std::byte{0x01}, std::byte{0x02}, std::byte{0x03}, std::byte{0x04}};
  const core::mask_key k2{std::byte{0xa0}, std::byte{0xb1}, std::byte{0xc2}, std::byte{0xd3}};
  const bytes input = concat({client_frame(op::text, "first ", false, k1),
                              client_frame(op::continuation, "second", true, k2),
                              client_frame(op::binary, "third", true, k1)});
  expect_events(server_options(), input,
                {text_message("first second"), binary_message(as_span("third"))});
}

TEST(connection_framing, masked_empty_frame) {
  expect_events(server_options(), client_frame(op::binary, ""), {binary_message({})});
}

// ================================================================= control frames (5.5)

TEST(connection_framing, control_frame_of_125_bytes) {
  const std::string payload(125, '\xfe');
  expect_events(server_options(), client_frame(op::ping, payload), {ping_event(payload)});
}

TEST(connection_framing, control_frame_over_125_bytes) {
  expect_failure(server_options(), client_frame(op::ping, std::string(126, '\xfe')),
                 errc::control_frame_too_large, 1002);
  expect_failure(server_options(), client_frame(op::pong, std::string(200, 'x')),
                 errc::control_frame_too_large, 1002);
  expect_failure(server_options(), client_frame(op::close, concat({close_body(1000), repeat("*", 124)})),
                 errc::control_frame_too_large, 1002);
  expect_failure(client_options(), server_frame(op::ping, std::string(65536, 'x')),
                 errc::control_frame_too_large, 1002);
}

TEST(connection_framing, fragmented_control_frame) {
  for (std::uint8_t o : {op::ping, op::pong, op::close}) {
    SCOPED_TRACE(int{o});
    const bytes input = concat({client_frame(o, "fragment1", false), client_frame(op::continuation, "fragment2")});
    expect_failure(server_options(), input, errc::fragmented_control_frame, 1002);
  }
}

// ================================================================= limits

TEST(connection_framing, max_frame_size_gives_1009) {
  auto o = server_options();
  o.max_frame_size = 10;
  expect_events(o, client_frame(op::binary, repeat("x", 10)), {binary_message(repeat("x", 10))});
  expect_failure(o, client_frame(op::binary, repeat("x", 11)), errc::frame_too_large, 1009);
  // A message may exceed the frame limit as long as each frame stays under it.
  const bytes input = concat({client_frame(op::text, repeat("a", 10), false),
                              client_frame(op::continuation, repeat("b", 10), true)});
  expect_events(o, input, {message(core::message_kind::text, concat({repeat("a", 10), repeat("b", 10)}))});
}

TEST(connection_framing, max_frame_size_does_not_limit_control_frames) {
  auto o = server_options();
  o.max_frame_size = 4;
  expect_events(o, client_frame(op::ping, "0123456789"), {ping_event("0123456789")});
}

TEST(connection_framing, oversized_frame_rejected_from_its_header) {
  // 2 GiB announced: the engine must refuse it from the header, without waiting for the payload.
  auto o = server_options();
  o.max_frame_size = 1 << 20;
  core::connection conn(o);
  raw_frame f;
  f.opcode = op::binary;
  f.mask = rfc_key;
  f.declared_length = std::uint64_t{1} << 31;
  const auto events = feed(conn, encode(f));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], error_event(errc::frame_too_large, 1009));
}

// ================================================================= read splits and the caller's buffer

TEST(connection_framing, returns_at_each_event_with_bytes_consumed) {
  const bytes f1 = client_frame(op::text, "one");
  const bytes f2 = client_frame(op::ping, "two");
  const bytes f3 = client_frame(op::binary, "three");
  bytes input = concat({f1, f2, f3});
  core::connection conn(server_options());
  std::span<std::byte> rest{input};

  auto r = conn.receive(rest);
  EXPECT_EQ(r.consumed, f1.size());
  EXPECT_EQ(record(r.ev), text_message("one"));
  rest = rest.subspan(r.consumed);

  r = conn.receive(rest);
  EXPECT_EQ(r.consumed, f2.size());
  EXPECT_EQ(record(r.ev), ping_event("two"));
  rest = rest.subspan(r.consumed);

  r = conn.receive(rest);
  EXPECT_EQ(r.consumed, f3.size());
  EXPECT_EQ(record(r.ev), binary_message(as_span("three")));
  rest = rest.subspan(r.consumed);

  r = conn.receive(rest);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(r.ev.type, core::event_type::none);
}

TEST(connection_framing, partial_frame_kept_inside_and_buffer_reusable) {
  // Every byte goes through the same one-byte buffer, overwritten between calls.
  const bytes input = concat({client_frame(op::text, "Hello, world!", false),
                              client_frame(op::continuation, repeat("z", 300), true)});
  core::connection conn(server_options());
  event_list events;
  std::array<std::byte, 1> buffer{};
  for (std::byte b : input) {
    buffer[0] = b;
    const auto r = conn.receive(buffer);
    EXPECT_EQ(r.consumed, 1u);
    if (r.ev.type != core::event_type::none) events.push_back(record(r.ev));
    buffer[0] = std::byte{0xCC};
  }
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0], message(core::message_kind::text, concat({as_span("Hello, world!"), repeat("z", 300)})));
}

TEST(connection_framing, empty_receive_is_harmless) {
  core::connection conn(server_options());
  const auto r = conn.receive({});
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(r.ev.type, core::event_type::none);
  EXPECT_FALSE(conn.has_output());
}

TEST(connection_framing, empty_receive_mid_frame_is_harmless) {
  // A read that returned nothing may be passed on as an empty (null) span at any point.
  for (bool assembled : {true, false}) {
    for (std::uint8_t o : {op::ping, op::close, op::text, op::binary}) {
      SCOPED_TRACE(std::to_string(o) + (assembled ? " assembled" : " streaming"));
      auto options = server_options();
      options.assemble_messages = assembled;
      core::connection conn(options);
      const bytes frame = client_frame(o, o == op::close ? close_body(1000, "bye") : to_bytes("hello"));
      const std::span<const std::byte> all{frame};
      event_list events;
      feed_one(conn, all.subspan(0, 1), events);  // inside the header
      EXPECT_EQ(conn.receive({}).ev.type, core::event_type::none);
      feed_one(conn, all.subspan(1, 7), events);  // header done, inside the payload
      EXPECT_EQ(conn.receive({}).ev.type, core::event_type::none);
      const auto r = conn.receive(std::span<std::byte>{});
      EXPECT_EQ(r.consumed, 0u);
      feed_one(conn, all.subspan(8), events);
      EXPECT_FALSE(conn.failed());
      const auto joined = join_pieces(events);
      if (o == op::text || o == op::binary) {
        ASSERT_EQ(joined.size(), 1u);
        EXPECT_EQ(to_string(joined[0].payload), "hello");
      } else {
        ASSERT_EQ(events.size(), 1u);
        EXPECT_EQ(events[0].type, o == op::ping ? core::event_type::ping : core::event_type::close);
      }
    }
  }
}

TEST(connection_framing, connection_can_be_moved_mid_message) {
  const bytes input = concat({client_frame(op::text, "Hello, ", false), client_frame(op::continuation, "world")});
  const std::span<const std::byte> all{input};
  core::connection first(server_options());
  event_list events;
  feed_one(first, all.subspan(0, 10), events);
  ASSERT_EQ(first.send("queued"), core::errc::ok);
  core::connection second(std::move(first));
  feed_one(second, all.subspan(10), events);
  EXPECT_EQ(events, (event_list{text_message("Hello, world")}));
  EXPECT_EQ(take_output(second), concat({from_hex("81 06"), as_span("queued")}));
  core::connection third(client_options());
  third = std::move(second);
  EXPECT_EQ(feed(third, client_frame(op::binary, "x")), (event_list{binary_message(as_span("x"))}));
}

// ================================================================= sending: exact bytes

TEST(connection_framing, server_sends_rfc_5_7_unmasked_hello) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send("Hello"), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("81 05 48 65 6c 6c 6f"));
}

TEST(connection_framing, client_masks_with_injected_key) {
  pattern_random random{from_hex("37 fa 21 3d")};
  auto o = client_options();
  o.random = random.source();
  core::connection conn(o);
  ASSERT_EQ(conn.send("Hello"), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
}

TEST(connection_framing, client_sends_rfc_5_7_masked_pong) {
  pattern_random random{from_hex("37 fa 21 3d")};
  auto o = client_options();
  o.random = random.source();
  core::connection conn(o);
  ASSERT_EQ(conn.send_pong(as_span("Hello")), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
}

TEST(connection_framing, server_sends_rfc_5_7_unmasked_ping) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_ping(as_span("Hello")), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("89 05 48 65 6c 6c 6f"));
}

TEST(connection_framing, server_sends_rfc_5_7_fragmented_hello) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, as_span("Hel"), false), errc::ok);
  EXPECT_TRUE(conn.in_outgoing_message());
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, as_span("lo"), true), errc::ok);
  EXPECT_FALSE(conn.in_outgoing_message());
  EXPECT_EQ(take_output(conn), from_hex("01 03 48 65 6c 80 02 6c 6f"));
}

TEST(connection_framing, server_sends_rfc_5_7_binary_headers) {
  core::connection conn(server_options());
  const bytes p256 = repeat(from_hex("01 02 03"), 256);
  ASSERT_EQ(conn.send(core::message_kind::binary, p256), errc::ok);
  EXPECT_EQ(take_output(conn), concat({from_hex("82 7e 01 00"), p256}));
  const bytes p64k = repeat(from_hex("04 05"), 65536);
  ASSERT_EQ(conn.send(core::message_kind::binary, p64k), errc::ok);
  EXPECT_EQ(take_output(conn), concat({from_hex("82 7f 00 00 00 00 00 01 00 00"), p64k}));
}

TEST(connection_framing, sent_lengths_are_minimal_at_every_boundary) {
  for (std::size_t n : {0u, 125u, 126u, 65535u, 65536u}) {
    for (core::role r : {core::role::server, core::role::client}) {
      core::connection_options o;
      o.endpoint_role = r;
      core::connection conn(o);
      const bytes payload = repeat("q", n);
      ASSERT_EQ(conn.send(core::message_kind::binary, payload), errc::ok);
      const auto out = take_output(conn);
      EXPECT_EQ(out.size(), core::header_size(n, r == core::role::client) + n);
      const auto decoded = decode_frames(out);  // strict: rejects non-minimal lengths
      ASSERT_TRUE(decoded.ok()) << decoded.problem;
      ASSERT_EQ(decoded.frames.size(), 1u);
      EXPECT_EQ(decoded.frames[0].masked, r == core::role::client);
      EXPECT_TRUE(decoded.frames[0].payload == payload);
    }
  }
}

TEST(connection_framing, client_takes_a_fresh_key_per_frame_from_the_random_source) {
  counting_random random;
  auto o = client_options();
  o.random = random.source();
  core::connection conn(o);
  ASSERT_EQ(conn.send("a"), errc::ok);
  ASSERT_EQ(conn.send_ping(as_span("b")), errc::ok);
  ASSERT_EQ(conn.send(core::message_kind::binary, as_span("c")), errc::ok);
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 3u);
  // The random stream is 00 01 02 ...; keys are taken from it in order, 4 bytes each.
  const core::mask_key k0{std::byte{0}, std::byte{1}, std::byte{2}, std::byte{3}};
  const core::mask_key k1{std::byte{4}, std::byte{5}, std::byte{6}, std::byte{7}};
  const core::mask_key k2{std::byte{8}, std::byte{9}, std::byte{10}, std::byte{11}};
  EXPECT_EQ(frames[0].key, k0);
  EXPECT_EQ(frames[1].key, k1);
  EXPECT_EQ(frames[2].key, k2);
  EXPECT_EQ(to_string(frames[0].payload), "a");
  EXPECT_EQ(to_string(frames[1].payload), "b");
  EXPECT_EQ(to_string(frames[2].payload), "c");
}

TEST(connection_framing, server_never_uses_the_random_source) {
  counting_random random;
  auto o = server_options();
  o.random = random.source();
  core::connection conn(o);
  ASSERT_EQ(conn.send("abc"), errc::ok);
  ASSERT_EQ(conn.send_ping(), errc::ok);
  EXPECT_EQ(random.requested, 0u);
}

TEST(connection_framing, zero_mask_key_option) {
  auto o = client_options();
  o.zero_mask_key = true;
  core::connection conn(o);
  ASSERT_EQ(conn.send("Hello"), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("81 85 00 00 00 00 48 65 6c 6c 6f"));
}

TEST(connection_framing, client_output_is_readable_by_a_server) {
  counting_random random;
  auto o = client_options();
  o.random = random.source();
  core::connection client(o);
  const bytes big = repeat("the quick brown fox ", 70001);
  ASSERT_EQ(client.send(core::message_kind::text, big), errc::ok);
  ASSERT_EQ(client.send_ping(as_span("p")), errc::ok);
  const bytes wire = take_output(client);
  for (std::size_t chunk : {0u, 13u, 1u}) {
    SCOPED_TRACE(chunk_label(chunk));
    core::connection s(server_options());
    const auto events = feed(s, wire, chunk);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_TRUE(events[0] == message(core::message_kind::text, big));
    EXPECT_EQ(events[1], ping_event("p"));
  }
}

// ================================================================= sending: argument checks

TEST(connection_framing, fragment_kind_must_match_open_message) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, as_span("a"), false), errc::ok);
  const auto before = conn.pending_output().size();
  EXPECT_EQ(conn.send_fragment(core::message_kind::binary, as_span("b"), true), errc::message_kind_mismatch);
  EXPECT_EQ(conn.pending_output().size(), before) << "a refused send queues nothing";
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, as_span("c"), true), errc::ok);
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].opcode, op::text);
  EXPECT_FALSE(frames[0].fin);
  EXPECT_EQ(frames[1].opcode, op::continuation);
  EXPECT_TRUE(frames[1].fin);
}

TEST(connection_framing, control_frames_may_interleave_outgoing_fragments) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_fragment(core::message_kind::binary, as_span("a"), false), errc::ok);
  ASSERT_EQ(conn.send_ping(as_span("p")), errc::ok);
  ASSERT_EQ(conn.send_fragment(core::message_kind::binary, as_span("b"), false), errc::ok);
  ASSERT_EQ(conn.send_pong(as_span("q")), errc::ok);
  ASSERT_EQ(conn.send_fragment(core::message_kind::binary, as_span("c"), true), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("02 01 61 89 01 70 00 01 62 8a 01 71 80 01 63"));
}

TEST(connection_framing, empty_fragments_are_sent) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, {}, false), errc::ok);
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, {}, false), errc::ok);
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, {}, true), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("01 00 00 00 80 00"));
}

TEST(connection_framing, ping_payload_limit_is_125) {
  core::connection conn(server_options());
  EXPECT_EQ(conn.send_ping(repeat("x", 125)), errc::ok);
  EXPECT_EQ(conn.send_pong(repeat("x", 125)), errc::ok);
  take_output(conn);
  EXPECT_EQ(conn.send_ping(repeat("x", 126)), errc::control_payload_too_long);
  EXPECT_EQ(conn.send_pong(repeat("x", 126)), errc::control_payload_too_long);
  EXPECT_FALSE(conn.has_output());
}

// ================================================================= the outbox

TEST(connection_framing, outbox_collects_frames_until_consumed) {
  core::connection conn(server_options());
  EXPECT_FALSE(conn.has_output());
  ASSERT_EQ(conn.send("ab"), errc::ok);
  ASSERT_EQ(conn.send("cd"), errc::ok);
  EXPECT_TRUE(conn.has_output());
  EXPECT_EQ(bytes(conn.pending_output().begin(), conn.pending_output().end()),
            from_hex("81 02 61 62 81 02 63 64"));
  conn.consume_output(3);
  EXPECT_EQ(bytes(conn.pending_output().begin(), conn.pending_output().end()), from_hex("62 81 02 63 64"));
  ASSERT_EQ(conn.send("e"), errc::ok);  // appended after what is still pending
  EXPECT_EQ(bytes(conn.pending_output().begin(), conn.pending_output().end()),
            from_hex("62 81 02 63 64 81 01 65"));
  conn.consume_output(8);
  EXPECT_FALSE(conn.has_output());
  EXPECT_TRUE(conn.pending_output().empty());
}

// ================================================================= zero-copy start_frame

TEST(connection_framing, start_frame_returns_the_header_only) {
  core::connection conn(server_options());
  core::outgoing_frame f;
  ASSERT_EQ(conn.start_frame(core::opcode::text, true, 5, f), errc::ok);
  EXPECT_FALSE(f.masked);
  EXPECT_EQ(bytes(f.header.data(), f.header.data() + f.header.size), from_hex("81 05"));
  EXPECT_FALSE(conn.has_output()) << "start_frame does not queue anything";
}

TEST(connection_framing, start_frame_masks_for_a_client) {
  pattern_random random{from_hex("37 fa 21 3d")};
  auto o = client_options();
  o.random = random.source();
  core::connection conn(o);
  core::outgoing_frame f;
  ASSERT_EQ(conn.start_frame(core::opcode::text, true, 5, f), errc::ok);
  EXPECT_TRUE(f.masked);
  EXPECT_EQ(f.mask, rfc_key);
  EXPECT_EQ(bytes(f.header.data(), f.header.data() + f.header.size), from_hex("81 85 37 fa 21 3d"));
}

TEST(connection_framing, start_frame_picks_continuation_inside_a_message) {
  core::connection conn(server_options());
  core::outgoing_frame f;
  ASSERT_EQ(conn.start_frame(core::opcode::binary, false, 3, f), errc::ok);
  EXPECT_EQ(f.header.bytes[0], std::byte{0x02});
  ASSERT_EQ(conn.start_frame(core::opcode::ping, true, 0, f), errc::ok);
  EXPECT_EQ(f.header.bytes[0], std::byte{0x89});
  EXPECT_EQ(conn.start_frame(core::opcode::text, true, 1, f), errc::message_kind_mismatch);
  ASSERT_EQ(conn.start_frame(core::opcode::binary, true, 70000, f), errc::ok);
  EXPECT_EQ(bytes(f.header.data(), f.header.data() + f.header.size),
            from_hex("80 7f 00 00 00 00 00 01 11 70"));
  EXPECT_FALSE(conn.in_outgoing_message());
}

TEST(connection_framing, start_frame_refuses_oversized_control_payload) {
  core::connection conn(server_options());
  core::outgoing_frame f;
  EXPECT_EQ(conn.start_frame(core::opcode::ping, true, 126, f), errc::control_payload_too_long);
  EXPECT_EQ(conn.start_frame(core::opcode::pong, true, 126, f), errc::control_payload_too_long);
}

}  // namespace
}  // namespace websock::test
