// Messages: fragmentation and assembly (RFC 6455 5.4), streaming delivery, size limits, UTF-8 of
// text messages (8.1) and ping/pong (5.5.2, 5.5.3).
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;
using core::message_kind;

const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

core::connection_options streaming_server() {
  auto o = server_options();
  o.assemble_messages = false;
  return o;
}

// ================================================================= assembly

TEST(connection_messages, assembles_fragmented_text) {
  const bytes input = concat({client_frame(op::text, "Hel", false), client_frame(op::continuation, "lo, ", false),
                              client_frame(op::continuation, "world", true)});
  expect_events(server_options(), input, {text_message("Hello, world")});
}

TEST(connection_messages, assembles_fragmented_binary) {
  const bytes a = repeat(from_hex("00 ff"), 300);
  const bytes b = repeat(from_hex("fe"), 70000);
  const bytes input = concat({client_frame(op::binary, a, false), client_frame(op::continuation, b, true)});
  for (std::size_t chunk : {0u, 1u, 100u}) {
    core::connection conn(server_options());
    const auto events = feed(conn, input, chunk);
    ASSERT_EQ(events.size(), 1u) << chunk_label(chunk);
    EXPECT_TRUE(events[0] == binary_message(concat({a, b}))) << chunk_label(chunk);
  }
}

TEST(connection_messages, empty_message) {
  expect_events(server_options(), client_frame(op::text, ""), {text_message("")});
}

TEST(connection_messages, message_of_empty_fragments) {
  const bytes input = concat({client_frame(op::text, "", false), client_frame(op::continuation, "", false),
                              client_frame(op::continuation, "", true)});
  expect_events(server_options(), input, {text_message("")});
}

TEST(connection_messages, empty_first_and_last_fragments) {
  const bytes input = concat({client_frame(op::text, "", false),
                              client_frame(op::continuation, "middle frame payload", false),
                              client_frame(op::continuation, "", true)});
  expect_events(server_options(), input, {text_message("middle frame payload")});
}

TEST(connection_messages, several_messages_in_one_read) {
  const bytes input = concat({client_frame(op::text, "one"), client_frame(op::binary, "two"),
                              client_frame(op::text, "thr", false), client_frame(op::continuation, "ee"),
                              client_frame(op::text, "four")});
  expect_events(server_options(), input,
                {text_message("one"), binary_message(as_span("two")), text_message("three"), text_message("four")});
}

TEST(connection_messages, ping_between_fragments_is_delivered_and_answered_at_once) {
  const bytes input = concat({client_frame(op::text, "fragment1", false), client_frame(op::ping, "ping payload"),
                              client_frame(op::continuation, "fragment2", true)});
  const auto r = expect_events(server_options(), input,
                               {ping_event("ping payload"), text_message("fragment1fragment2")});
  ASSERT_EQ(r.output.size(), 1u);
  EXPECT_EQ(r.output[0].opcode, op::pong);
  EXPECT_EQ(to_string(r.output[0].payload), "ping payload");
}

TEST(connection_messages, pong_between_fragments) {
  const bytes input = concat({client_frame(op::binary, "a", false), client_frame(op::pong, "x"),
                              client_frame(op::continuation, "b", false), client_frame(op::pong, "y"),
                              client_frame(op::continuation, "c", true)});
  expect_events(server_options(), input, {pong_event("x"), pong_event("y"), binary_message(as_span("abc"))});
}

TEST(connection_messages, pong_queued_before_message_completes) {
  // Both pings of a still-open message must be answered before its last frame arrives.
  core::connection conn(server_options());
  auto events = feed(conn, concat({client_frame(op::text, "fragment1", false),
                                   client_frame(op::continuation, "fragment2", false),
                                   client_frame(op::ping, "pongme 1!")}));
  EXPECT_EQ(events, (event_list{ping_event("pongme 1!")}));
  auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].opcode, op::pong);
  EXPECT_EQ(to_string(frames[0].payload), "pongme 1!");
  events = feed(conn, client_frame(op::continuation, "fragment3", true));
  EXPECT_EQ(events, (event_list{text_message("fragment1fragment2fragment3")}));
}

TEST(connection_messages, close_between_fragments_ends_without_the_message) {
  const bytes input = concat({client_frame(op::text, "fragment1", false), client_frame(op::close, close_body(1000)),
                              client_frame(op::continuation, "fragment2", true)});
  expect_events(server_options(), input, {close_event(1000)});
}

TEST(connection_messages, continuation_without_message) {
  expect_failure(server_options(), client_frame(op::continuation, "non-continuation payload", true),
                 errc::unexpected_continuation, 1002);
  expect_failure(server_options(), client_frame(op::continuation, "non-continuation payload", false),
                 errc::unexpected_continuation, 1002);
}

TEST(connection_messages, continuation_after_finished_message) {
  const bytes input = concat({client_frame(op::text, "fragment1", false), client_frame(op::continuation, "fragment2"),
                              client_frame(op::continuation, "fragment3", false), client_frame(op::text, "fragment4")});
  expect_failure(server_options(), input, errc::unexpected_continuation, 1002, {text_message("fragment1fragment2")});
}

TEST(connection_messages, new_message_while_fragmented) {
  expect_failure(server_options(), concat({client_frame(op::text, "fragment1", false), client_frame(op::text, "fragment2")}),
                 errc::expected_continuation, 1002);
  expect_failure(server_options(), concat({client_frame(op::text, "a", false), client_frame(op::binary, "b")}),
                 errc::expected_continuation, 1002);
  expect_failure(client_options(), concat({server_frame(op::binary, "a", false), server_frame(op::binary, "b", false)}),
                 errc::expected_continuation, 1002);
}

// ================================================================= streaming (assemble_messages = false)

TEST(connection_messages, streaming_single_frame_in_one_read_is_one_last_piece) {
  core::connection conn(streaming_server());
  EXPECT_EQ(feed(conn, client_frame(op::text, "Hello")), (event_list{text_message("Hello", true)}));
}

TEST(connection_messages, streaming_pieces_follow_the_reads) {
  const bytes payload = repeat("0123456789", 1000);
  for (std::size_t chunk : {1u, 7u, 100u, 999u}) {
    SCOPED_TRACE(chunk_label(chunk));
    core::connection conn(streaming_server());
    const auto events = feed(conn, client_frame(op::binary, payload), chunk);
    ASSERT_GT(events.size(), 1u) << "a frame spread over reads arrives in pieces";
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].type, core::event_type::message);
      EXPECT_EQ(events[i].last, i + 1 == events.size());
      EXPECT_LE(events[i].payload.size(), chunk);
    }
    const auto joined = join_pieces(events);
    ASSERT_EQ(joined.size(), 1u);
    EXPECT_TRUE(joined[0].complete);
    EXPECT_EQ(joined[0].kind, message_kind::binary);
    EXPECT_TRUE(joined[0].payload == payload);
  }
}

TEST(connection_messages, streaming_fragmented_message_marks_only_the_end_last) {
  const bytes input = concat({client_frame(op::text, "Hel", false), client_frame(op::continuation, "lo, ", false),
                              client_frame(op::continuation, "world", true), client_frame(op::binary, "next")});
  for (std::size_t chunk : standard_chunks()) {
    SCOPED_TRACE(chunk_label(chunk));
    core::connection conn(streaming_server());
    const auto events = feed(conn, input, chunk);
    const auto joined = join_pieces(events);
    ASSERT_EQ(joined.size(), 2u);
    EXPECT_EQ(joined[0].kind, message_kind::text);
    EXPECT_EQ(to_string(joined[0].payload), "Hello, world");
    EXPECT_TRUE(joined[0].complete);
    EXPECT_EQ(joined[1].kind, message_kind::binary);
    EXPECT_EQ(to_string(joined[1].payload), "next");
    EXPECT_TRUE(joined[1].complete);
    if (chunk == 0) {
      // One read: one piece per non-empty frame.
      EXPECT_EQ(events, (event_list{text_message("Hel", false), text_message("lo, ", false),
                                    text_message("world", true), binary_message(as_span("next"), true)}));
    }
  }
}

TEST(connection_messages, streaming_empty_message_is_one_empty_last_piece) {
  core::connection conn(streaming_server());
  EXPECT_EQ(feed(conn, client_frame(op::binary, "")), (event_list{binary_message({}, true)}));
  core::connection conn2(streaming_server());
  const auto events = feed(conn2, concat({client_frame(op::text, "", false), client_frame(op::continuation, "", true)}));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), text_message("", true));
  const auto joined = join_pieces(events);
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_TRUE(joined[0].payload.empty());
}

TEST(connection_messages, streaming_ends_with_empty_last_frame) {
  const bytes input = concat({client_frame(op::text, "abc", false), client_frame(op::continuation, "", true)});
  for (std::size_t chunk : standard_chunks()) {
    SCOPED_TRACE(chunk_label(chunk));
    core::connection conn(streaming_server());
    const auto events = feed(conn, input, chunk);
    ASSERT_FALSE(events.empty());
    EXPECT_TRUE(events.back().last);
    const auto joined = join_pieces(events);
    ASSERT_EQ(joined.size(), 1u);
    EXPECT_EQ(to_string(joined[0].payload), "abc");
    EXPECT_TRUE(joined[0].complete);
  }
}

TEST(connection_messages, streaming_control_frames_between_pieces) {
  const bytes input = concat({client_frame(op::binary, "ab", false), client_frame(op::ping, "p1"),
                              client_frame(op::continuation, "cd", false), client_frame(op::pong, "p2"),
                              client_frame(op::continuation, "ef", true)});
  for (std::size_t chunk : standard_chunks()) {
    SCOPED_TRACE(chunk_label(chunk));
    core::connection conn(streaming_server());
    const auto events = feed(conn, input, chunk);
    EXPECT_EQ(non_message_events(events), (event_list{ping_event("p1"), pong_event("p2")}));
    const auto joined = join_pieces(events);
    ASSERT_EQ(joined.size(), 1u);
    EXPECT_EQ(to_string(joined[0].payload), "abcdef");
    EXPECT_TRUE(joined[0].complete);
    // The ping comes after the bytes of the first frame and before those of the second.
    std::string before_ping;
    for (const auto& e : events) {
      if (e.type == core::event_type::ping) break;
      before_ping += e.text();
    }
    EXPECT_EQ(before_ping, "ab");
  }
}

TEST(connection_messages, streaming_reports_rsv_of_the_first_frame_on_every_piece) {
  auto o = streaming_server();
  o.allowed_rsv = core::rsv1_bit;
  const bytes input = concat({client_frame(op::binary, "ab", false, rfc_key, 0x40), client_frame(op::continuation, "cd")});
  core::connection conn(o);
  EXPECT_EQ(feed(conn, input), (event_list{message(message_kind::binary, as_span("ab"), false, core::rsv1_bit),
                                           message(message_kind::binary, as_span("cd"), true, core::rsv1_bit)}));
}

TEST(connection_messages, streaming_max_message_size_gives_1009) {
  auto o = streaming_server();
  o.max_message_size = 10;
  const bytes input = concat({client_frame(op::binary, "123456", false), client_frame(op::continuation, "78901")});
  core::connection conn(o);
  const auto events = feed(conn, input);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), error_event(errc::message_too_large, 1009));
  EXPECT_EQ(join_pieces(events).size(), 1u);
  EXPECT_FALSE(join_pieces(events)[0].complete);
}

// ================================================================= limits

TEST(connection_messages, max_message_size_gives_1009) {
  auto o = server_options();
  o.max_message_size = 10;
  expect_events(o, client_frame(op::text, "0123456789"), {text_message("0123456789")});
  expect_failure(o, client_frame(op::text, "0123456789a"), errc::message_too_large, 1009);
  expect_failure(o, concat({client_frame(op::binary, "123456", false), client_frame(op::continuation, "78901")}),
                 errc::message_too_large, 1009);
  expect_events(o, concat({client_frame(op::binary, "123456", false), client_frame(op::continuation, "7890")}),
                {binary_message(as_span("1234567890"))});
}

TEST(connection_messages, message_limit_counts_each_message_afresh) {
  auto o = server_options();
  o.max_message_size = 4;
  const bytes input = concat({client_frame(op::text, "abcd"), client_frame(op::text, "ef", false),
                              client_frame(op::continuation, "gh"), client_frame(op::binary, "ijkl")});
  expect_events(o, input, {text_message("abcd"), text_message("efgh"), binary_message(as_span("ijkl"))});
}

TEST(connection_messages, message_limit_does_not_apply_to_control_frames) {
  auto o = server_options();
  o.max_message_size = 2;
  expect_events(o, client_frame(op::ping, "a ping payload"), {ping_event("a ping payload")});
}

TEST(connection_messages, oversized_message_rejected_from_the_header) {
  auto o = server_options();
  o.max_message_size = 1000;
  raw_frame f;
  f.opcode = op::binary;
  f.mask = rfc_key;
  f.declared_length = 1001;
  core::connection conn(o);
  EXPECT_EQ(feed(conn, encode(f)), (event_list{error_event(errc::message_too_large, 1009)}));
}

TEST(connection_messages, default_limit_accepts_16_mib) {
  core::connection conn(server_options());
  EXPECT_EQ(conn.options().max_message_size, 64u << 20);
  raw_frame f;
  f.opcode = op::binary;
  f.mask = rfc_key;
  f.declared_length = 16u << 20;
  EXPECT_TRUE(feed(conn, encode(f)).empty()) << "the header of a 16 MiB frame is accepted";
  EXPECT_FALSE(conn.failed());
}

// ================================================================= UTF-8 (8.1)

TEST(connection_messages, text_split_inside_code_points_across_frames) {
  // 6.2.3-like: the 29 bytes as 29 one-byte frames.
  const bytes text = from_hex("48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121");
  bytes input;
  for (std::size_t i = 0; i < text.size(); ++i) {
    append(input, client_frame(i == 0 ? op::text : op::continuation, std::span{text}.subspan(i, 1), i + 1 == text.size()));
  }
  expect_events(server_options(), input, {message(message_kind::text, text)});
}

TEST(connection_messages, invalid_utf8_in_single_frame) {
  const bytes payload = concat({as_span(kosme), from_hex("eda080"), as_span("edited")});
  expect_failure(server_options(), client_frame(op::text, payload), errc::invalid_utf8, 1007);
}

TEST(connection_messages, utf8_fails_fast_inside_fragment) {
  // Part 2 makes the text invalid (F4 90 = beyond U+10FFFF); the error must come with part 2.
  core::connection conn(server_options());
  EXPECT_TRUE(feed(conn, client_frame(op::text, kosme, false)).empty());
  EXPECT_EQ(feed(conn, client_frame(op::continuation, from_hex("f4 90 80 80"), false)),
            (event_list{error_event(errc::invalid_utf8, 1007)}));
  EXPECT_TRUE(feed(conn, client_frame(op::continuation, "edited", true)).empty());
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(close_code_of(frames[0]), 1007);
}

TEST(connection_messages, utf8_fails_fast_on_a_one_byte_fragment) {
  core::connection conn(server_options());
  EXPECT_TRUE(feed(conn, client_frame(op::text, kosme + "\xf4", false)).empty());
  EXPECT_EQ(feed(conn, client_frame(op::continuation, from_hex("90"), false)),
            (event_list{error_event(errc::invalid_utf8, 1007)}));
}

TEST(connection_messages, utf8_fails_fast_inside_a_partial_frame_payload) {
  // One 21-byte frame whose payload arrives in three reads; the second read holds the bad byte.
  const bytes frame = client_frame(op::text, concat({as_span(kosme), from_hex("f4908080"), as_span("edited")}));
  const std::size_t header = frame.size() - 21;
  core::connection conn(server_options());
  const std::span<const std::byte> all{frame};
  EXPECT_TRUE(feed(conn, all.subspan(0, header + 11)).empty());
  EXPECT_EQ(feed(conn, all.subspan(header + 11, 4)), (event_list{error_event(errc::invalid_utf8, 1007)}));
  EXPECT_TRUE(feed(conn, all.subspan(header + 15)).empty());
}

TEST(connection_messages, streaming_utf8_fails_fast) {
  core::connection conn(streaming_server());
  EXPECT_EQ(feed(conn, client_frame(op::text, kosme, false)), (event_list{text_message(kosme, false)}));
  const auto events = feed(conn, client_frame(op::continuation, from_hex("f4 90 80 80"), false));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), error_event(errc::invalid_utf8, 1007));
}

TEST(connection_messages, truncated_utf8_at_end_of_message) {
  expect_failure(server_options(), client_frame(op::text, from_hex("48 e2 82")), errc::invalid_utf8, 1007);
  expect_failure(server_options(),
                 concat({client_frame(op::text, from_hex("e2"), false), client_frame(op::continuation, "", true)}),
                 errc::invalid_utf8, 1007);
}

TEST(connection_messages, truncated_utf8_at_end_of_streamed_message) {
  core::connection conn(streaming_server());
  const auto events = feed(conn, concat({client_frame(op::text, from_hex("41 e2"), false),
                                         client_frame(op::continuation, from_hex("82"), true)}));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), error_event(errc::invalid_utf8, 1007));
  for (const auto& e : events) EXPECT_FALSE(e.type == core::event_type::message && e.last);
}

TEST(connection_messages, binary_is_not_utf8_checked) {
  const bytes payload = from_hex("00 ff fe fd fc fb 00 ff c0 80 ed a0 80");
  expect_events(server_options(), client_frame(op::binary, payload), {binary_message(payload)});
}

TEST(connection_messages, utf8_check_can_be_disabled) {
  auto o = server_options();
  o.validate_utf8 = false;
  const bytes payload = from_hex("ff fe ed a0 80");
  expect_events(o, client_frame(op::text, payload), {message(message_kind::text, payload)});
}

TEST(connection_messages, utf8_state_starts_fresh_for_each_message) {
  // A binary message ending inside a would-be code point does not affect the next text message,
  // and neither does a preceding complete text message.
  const bytes input = concat({client_frame(op::binary, from_hex("e2 82")), client_frame(op::text, "abc"),
                              client_frame(op::text, kosme)});
  expect_events(server_options(), input,
                {binary_message(from_hex("e2 82")), text_message("abc"), text_message(kosme)});
}

TEST(connection_messages, ping_payload_is_not_utf8_checked) {
  const std::string payload("\x00\xff\xfe\xfd\xfc\xfb\x00\xff", 8);
  const auto r = expect_events(server_options(), client_frame(op::ping, payload), {ping_event(payload)});
  ASSERT_EQ(r.output.size(), 1u);
  EXPECT_EQ(to_string(r.output[0].payload), payload);
}

// ================================================================= ping / pong

TEST(connection_messages, auto_pong_echoes_payload) {
  const auto r = expect_events(server_options(), client_frame(op::ping, "Hello, world!"), {ping_event("Hello, world!")});
  ASSERT_EQ(r.output.size(), 1u);
  EXPECT_EQ(r.output[0].opcode, op::pong);
  EXPECT_TRUE(r.output[0].fin);
  EXPECT_FALSE(r.output[0].masked);
  EXPECT_EQ(to_string(r.output[0].payload), "Hello, world!");
}

TEST(connection_messages, auto_pong_exact_bytes_for_a_server) {
  core::connection conn(server_options());
  feed(conn, client_frame(op::ping, "Hello"));
  EXPECT_EQ(take_output(conn), from_hex("8a 05 48 65 6c 6c 6f"));
}

TEST(connection_messages, auto_pong_is_masked_by_a_client) {
  pattern_random random{from_hex("37 fa 21 3d")};
  auto o = client_options();
  o.random = random.source();
  core::connection conn(o);
  EXPECT_EQ(feed(conn, server_frame(op::ping, "Hello")), (event_list{ping_event("Hello")}));
  EXPECT_EQ(take_output(conn), from_hex("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
}

TEST(connection_messages, empty_ping_gets_empty_pong) {
  core::connection conn(server_options());
  EXPECT_EQ(feed(conn, client_frame(op::ping, "")), (event_list{ping_event("")}));
  EXPECT_EQ(take_output(conn), from_hex("8a 00"));
}

TEST(connection_messages, auto_pong_can_be_disabled) {
  auto o = server_options();
  o.auto_pong = false;
  const auto r = expect_events(o, client_frame(op::ping, "Hello"), {ping_event("Hello")});
  EXPECT_TRUE(r.output.empty());
}

TEST(connection_messages, unsolicited_pong_accepted) {
  const bytes input = concat({client_frame(op::pong, "unsolicited pong payload"), client_frame(op::text, "after")});
  const auto r = expect_events(server_options(), input, {pong_event("unsolicited pong payload"), text_message("after")});
  EXPECT_TRUE(r.output.empty()) << "a pong needs no answer";
}

TEST(connection_messages, every_ping_answered_in_order) {
  bytes input;
  event_list expected;
  for (int i = 0; i < 10; ++i) {
    const std::string p = "payload-" + std::to_string(i);
    append(input, client_frame(op::ping, p));
    expected.push_back(ping_event(p));
  }
  const auto r = expect_events(server_options(), input, expected);
  ASSERT_EQ(r.output.size(), 10u);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(r.output[static_cast<std::size_t>(i)].opcode, op::pong);
    EXPECT_EQ(to_string(r.output[static_cast<std::size_t>(i)].payload), "payload-" + std::to_string(i));
  }
}

TEST(connection_messages, pong_queued_after_earlier_output) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send("data first"), errc::ok);
  feed(conn, client_frame(op::ping, "p"));
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].opcode, op::text);
  EXPECT_EQ(frames[1].opcode, op::pong);
}

TEST(connection_messages, pong_payload_up_to_125_bytes) {
  const std::string payload(125, '\xfe');
  const auto r = expect_events(server_options(), client_frame(op::ping, payload), {ping_event(payload)});
  ASSERT_EQ(r.output.size(), 1u);
  EXPECT_EQ(to_string(r.output[0].payload), payload);
}

TEST(connection_messages, event_payload_stays_valid_until_next_call) {
  core::connection conn(server_options());
  bytes input = concat({client_frame(op::text, "abc", false), client_frame(op::continuation, "def")});
  const auto r = conn.receive(input);
  ASSERT_EQ(r.ev.type, core::event_type::message);
  ASSERT_EQ(conn.send("unrelated"), errc::ok);  // sending does not disturb it
  EXPECT_EQ(r.ev.text(), "abcdef");
}

}  // namespace
}  // namespace websock::test
