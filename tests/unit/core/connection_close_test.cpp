// The closing handshake: RFC 6455 5.5.1, 7.1 and 7.4, and the engine's failure invariants.
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>

#include <utility>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;

bytes client_close(std::uint16_t code, std::string_view reason = {}) {
  return client_frame(op::close, close_body(code, reason));
}

// ================================================================= receiving a close

TEST(connection_close, empty_close_reports_1005) {
  const auto r = expect_events(server_options(), client_frame(op::close, ""), {close_event(1005)});
  ASSERT_EQ(r.output.size(), 1u);
  EXPECT_EQ(r.output[0].opcode, op::close);
  EXPECT_TRUE(r.output[0].payload.empty()) << "an empty close is answered with an empty close, never 1005";
}

TEST(connection_close, close_code_and_reason_reported) {
  expect_events(server_options(), client_close(1001, "going away"), {close_event(1001, "going away")});
  expect_events(client_options(), server_frame(op::close, close_body(4000, "\xce\xba")), {close_event(4000, "\xce\xba")});
}

TEST(connection_close, answers_close_with_close) {
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999}) {
    SCOPED_TRACE(code);
    core::connection conn(server_options());
    EXPECT_FALSE(conn.close_sent());
    EXPECT_EQ(feed(conn, client_close(code, "bye")), (event_list{close_event(code, "bye")}));
    EXPECT_TRUE(conn.close_received());
    EXPECT_TRUE(conn.close_sent());
    const auto frames = take_frames(conn);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].opcode, op::close);
    EXPECT_FALSE(frames[0].masked);
    // 5.5.1: the answer typically echoes the status code; 1000 is also acceptable.
    const auto answered = close_code_of(frames[0]);
    EXPECT_TRUE(answered == code || answered == 1000) << answered;
    EXPECT_TRUE(core::is_valid_wire_close_code(answered));
  }
}

TEST(connection_close, client_answer_is_masked) {
  core::connection conn(client_options());
  feed(conn, server_frame(op::close, close_body(1000)));
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].opcode, op::close);
  EXPECT_TRUE(frames[0].masked);
  EXPECT_EQ(close_code_of(frames[0]), 1000);
}

TEST(connection_close, no_answer_when_auto_close_is_off) {
  auto o = server_options();
  o.auto_close = false;
  core::connection conn(o);
  EXPECT_EQ(feed(conn, client_close(1000)), (event_list{close_event(1000)}));
  EXPECT_FALSE(conn.has_output());
  EXPECT_FALSE(conn.close_sent());
  EXPECT_FALSE(conn.closing_complete());
  ASSERT_EQ(conn.send_close(1000, "done"), errc::ok);
  EXPECT_TRUE(conn.closing_complete());
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].payload, close_body(1000, "done"));
}

TEST(connection_close, close_payload_of_one_byte) {
  expect_failure(server_options(), client_frame(op::close, from_hex("61")), errc::close_payload_too_short, 1002);
}

TEST(connection_close, close_code_1005_on_wire_rejected) {
  expect_failure(server_options(), client_close(1005), errc::invalid_close_code, 1002);
}

TEST(connection_close, close_codes_never_valid_on_the_wire_rejected) {
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535}) {
    SCOPED_TRACE(code);
    expect_failure(server_options(), client_close(code), errc::invalid_close_code, 1002);
  }
}

// The IANA registry's range edges as a peer sends them: a valid code is reported and echoed, any
// other fails the connection with 1002. 1012-1014 are registered and must not read as 1002.
TEST(connection_close, IANA_registry_codes_received_at_every_range_boundary) {
  const std::pair<std::uint16_t, bool> edges[] = {
      {999, false},  {1000, true},  {1003, true},  {1004, false}, {1006, false}, {1007, true},
      {1011, true},  {1012, true},  {1013, true},  {1014, true},  {1015, false}, {1016, false},
      {2999, false}, {3000, true},  {4999, true},  {5000, false}};
  for (const auto& [code, valid] : edges) {
    SCOPED_TRACE(code);
    for (const auto& o : {server_options(), client_options()}) {
      const bytes close = o.endpoint_role == core::role::server ? client_close(code, "r")
                                                                 : server_frame(op::close, close_body(code, "r"));
      if (!valid) {
        expect_failure(o, close, errc::invalid_close_code, 1002);
        continue;
      }
      core::connection conn(o);
      EXPECT_EQ(feed(conn, close), (event_list{close_event(code, "r")}));
      EXPECT_FALSE(conn.failed());
      const auto frames = take_frames(conn);
      ASSERT_EQ(frames.size(), 1u);
      EXPECT_EQ(close_code_of(frames[0]), code);
    }
  }
}

// And as the application sends them: the same ranges, refused before anything is queued.
TEST(connection_close, IANA_registry_codes_sent_at_every_range_boundary) {
  const std::pair<std::uint16_t, bool> edges[] = {
      {999, false},  {1000, true},  {1003, true},  {1004, false}, {1006, false}, {1007, true},
      {1011, true},  {1012, true},  {1013, true},  {1014, true},  {1015, false}, {1016, false},
      {2999, false}, {3000, true},  {4999, true},  {5000, false}};
  for (const auto& [code, valid] : edges) {
    SCOPED_TRACE(code);
    core::connection conn(server_options());
    if (!valid) {
      EXPECT_EQ(conn.send_close(code, "r"), errc::bad_close_code_to_send);
      EXPECT_FALSE(conn.has_output());
      continue;
    }
    ASSERT_EQ(conn.send_close(code, "r"), errc::ok);
    EXPECT_EQ(take_output(conn), concat({from_hex("88 03"), close_body(code, "r")}));
  }
}

TEST(connection_close, close_reason_must_be_utf8) {
  const std::string bad = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80" "edited";
  expect_failure(server_options(), client_close(1000, bad), errc::invalid_close_reason, 1007);
}

TEST(connection_close, close_reason_utf8_check_follows_validate_utf8) {
  auto o = server_options();
  o.validate_utf8 = false;
  const std::string bad = "\xff\xfe";
  expect_events(o, client_close(1000, bad), {close_event(1000, bad)});
}

TEST(connection_close, close_reason_of_123_bytes) {
  const std::string reason(123, '*');
  expect_events(server_options(), client_close(1000, reason), {close_event(1000, reason)});
}

TEST(connection_close, close_reason_of_124_bytes_is_an_oversized_control_frame) {
  expect_failure(server_options(), client_close(1000, std::string(124, '*')), errc::control_frame_too_large, 1002);
}

TEST(connection_close, no_data_accepted_after_close) {
  const bytes input = concat({client_close(1000), client_frame(op::text, "Hello World!"), client_frame(op::ping, ""),
                              client_frame(op::close, ""), client_frame(op::binary, "x")});
  const auto r = expect_events(server_options(), input, {close_event(1000)});
  ASSERT_EQ(r.output.size(), 1u) << "one close answer, no pong, no second close";
  EXPECT_EQ(r.output[0].opcode, op::close);
  EXPECT_EQ(close_code_of(r.output[0]), 1000);
}

TEST(connection_close, garbage_after_close_is_ignored) {
  // Even bytes that would be a protocol error are not looked at after the close frame.
  const bytes input = concat({client_close(1000), from_hex("ff ff ff ff 00 01 02")});
  const auto r = expect_events(server_options(), input, {close_event(1000)});
  ASSERT_EQ(r.output.size(), 1u);
  EXPECT_EQ(close_code_of(r.output[0]), 1000);
}

TEST(connection_close, input_after_close_in_a_later_read_is_ignored) {
  core::connection conn(server_options());
  EXPECT_EQ(feed(conn, client_close(1000)), (event_list{close_event(1000)}));
  take_output(conn);
  EXPECT_TRUE(feed(conn, client_frame(op::text, "late")).empty());
  EXPECT_TRUE(feed(conn, client_frame(op::ping, "late")).empty());
  EXPECT_FALSE(conn.has_output());
}

// ================================================================= who closes the transport (7.1.1)

TEST(connection_close, server_closes_transport_first) {
  core::connection conn(server_options());
  feed(conn, client_close(1000));
  EXPECT_TRUE(conn.closing_complete());
  EXPECT_FALSE(conn.should_close_transport()) << "the close answer is not written yet";
  take_output(conn);
  EXPECT_TRUE(conn.should_close_transport());
}

TEST(connection_close, client_waits_for_the_server_to_close_the_transport) {
  core::connection conn(client_options());
  feed(conn, server_frame(op::close, close_body(1000)));
  take_output(conn);
  EXPECT_TRUE(conn.closing_complete());
  EXPECT_FALSE(conn.should_close_transport());
}

TEST(connection_close, server_initiated_close_completes_on_the_answer) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_close(1001, "bye"), errc::ok);
  EXPECT_TRUE(conn.close_sent());
  EXPECT_FALSE(conn.closing_complete());
  const auto sent = take_frames(conn);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].payload, close_body(1001, "bye"));
  EXPECT_FALSE(conn.should_close_transport());
  EXPECT_EQ(feed(conn, client_close(1001)), (event_list{close_event(1001)}));
  EXPECT_FALSE(conn.has_output()) << "a close answering ours is not answered again";
  EXPECT_TRUE(conn.closing_complete());
  EXPECT_TRUE(conn.should_close_transport());
}

TEST(connection_close, client_initiated_close) {
  pattern_random random{from_hex("01 02 03 04")};
  auto o = client_options();
  o.random = random.source();
  core::connection conn(o);
  ASSERT_EQ(conn.send_close(1000), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("88 82 01 02 03 04 02 ea"));
  EXPECT_EQ(feed(conn, server_frame(op::close, close_body(1000))), (event_list{close_event(1000)}));
  EXPECT_FALSE(conn.has_output());
  EXPECT_TRUE(conn.closing_complete());
  EXPECT_FALSE(conn.should_close_transport());
  EXPECT_EQ(conn.transport_closed().type, core::event_type::none) << "the close was already reported";
}

TEST(connection_close, data_still_received_after_our_close) {
  // Until the peer's close arrives, what it sends is still delivered; pings are still answered.
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_close(1000), errc::ok);
  take_output(conn);
  EXPECT_EQ(feed(conn, concat({client_frame(op::text, "in flight"), client_frame(op::ping, "p")})),
            (event_list{text_message("in flight"), ping_event("p")}));
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].opcode, op::pong);
  EXPECT_EQ(feed(conn, client_close(1000)), (event_list{close_event(1000)}));
  EXPECT_FALSE(conn.has_output());
}

// ================================================================= transport loss (7.1.5)

TEST(connection_close, transport_lost_reports_1006) {
  core::connection conn(server_options());
  EXPECT_EQ(record(conn.transport_closed()), close_event(1006));
  EXPECT_EQ(conn.transport_closed().type, core::event_type::none) << "reported once";
  EXPECT_FALSE(conn.has_output()) << "nothing can be sent on a lost transport";
}

TEST(connection_close, transport_lost_mid_message_reports_1006) {
  core::connection conn(server_options());
  EXPECT_TRUE(feed(conn, client_frame(op::text, "fragment", false)).empty());
  EXPECT_EQ(record(conn.transport_closed()), close_event(1006));
  EXPECT_TRUE(feed(conn, client_frame(op::continuation, "late")).empty());
}

TEST(connection_close, transport_lost_after_close_reports_nothing) {
  core::connection conn(server_options());
  feed(conn, client_close(1000));
  EXPECT_EQ(conn.transport_closed().type, core::event_type::none);
}

// ================================================================= sending a close (7.4.1)

TEST(connection_close, send_after_close_refused) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_close(), errc::ok);
  take_output(conn);
  EXPECT_EQ(conn.send("x"), errc::send_after_close);
  EXPECT_EQ(conn.send(core::message_kind::binary, as_span("x")), errc::send_after_close);
  EXPECT_EQ(conn.send_fragment(core::message_kind::text, as_span("x"), false), errc::send_after_close);
  core::outgoing_frame f;
  EXPECT_EQ(conn.start_frame(core::opcode::binary, true, 1, f), errc::send_after_close);
  EXPECT_FALSE(conn.has_output());
  // Control frames may still go out until both closes have crossed (invariant 3).
  EXPECT_EQ(conn.send_ping(as_span("still alive?")), errc::ok);
  EXPECT_EQ(conn.send_pong(), errc::ok);
  EXPECT_EQ(take_frames(conn).size(), 2u);
}

TEST(connection_close, nothing_sent_once_both_closes_crossed) {
  core::connection conn(server_options());
  feed(conn, client_close(1000));
  take_output(conn);
  EXPECT_EQ(conn.send("x"), errc::send_after_close);
  EXPECT_EQ(conn.send_ping(), errc::send_after_close);
  EXPECT_EQ(conn.send_pong(), errc::send_after_close);
  EXPECT_EQ(conn.send_close(), errc::send_after_close);
  EXPECT_FALSE(conn.has_output());
}

TEST(connection_close, second_send_close_refused) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_close(1000), errc::ok);
  EXPECT_EQ(conn.send_close(1001), errc::send_after_close);
  EXPECT_EQ(take_frames(conn).size(), 1u);
}

TEST(connection_close, close_mid_outgoing_message_allowed) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_fragment(core::message_kind::text, as_span("part"), false), errc::ok);
  ASSERT_EQ(conn.send_close(1001), errc::ok);
  EXPECT_EQ(conn.send_fragment(core::message_kind::text, as_span("rest"), true), errc::send_after_close);
}

TEST(connection_close, codes_that_must_never_be_sent) {
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{1004, 1006, 1015, 0, 999, 1016, 2999, 5000}) {
    SCOPED_TRACE(code);
    core::connection conn(server_options());
    EXPECT_EQ(conn.send_close(code), errc::bad_close_code_to_send);
    EXPECT_FALSE(conn.close_sent());
    EXPECT_FALSE(conn.has_output());
  }
}

TEST(connection_close, no_status_sends_an_empty_close) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_close(core::close_code::no_status), errc::ok);
  EXPECT_EQ(take_output(conn), from_hex("88 00"));
  core::connection conn2(server_options());
  EXPECT_EQ(conn2.send_close(core::close_code::no_status, "reason"), errc::bad_close_code_to_send);
  EXPECT_FALSE(conn2.has_output());
}

TEST(connection_close, sendable_codes) {
  for (std::uint16_t code : std::initializer_list<std::uint16_t>{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999}) {
    core::connection conn(server_options());
    ASSERT_EQ(conn.send_close(code, "r"), errc::ok) << code;
    EXPECT_EQ(take_output(conn), concat({from_hex("88 03"), close_body(code, "r")})) << code;
  }
}

TEST(connection_close, close_reason_limit_is_123_bytes) {
  core::connection conn(server_options());
  EXPECT_EQ(conn.send_close(1000, std::string(124, 'r')), errc::close_reason_too_long);
  EXPECT_FALSE(conn.close_sent());
  EXPECT_FALSE(conn.has_output());
  ASSERT_EQ(conn.send_close(1000, std::string(123, 'r')), errc::ok);
  const auto frames = take_frames(conn);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].payload.size(), 125u);
}

TEST(connection_close, close_reason_to_send_must_be_utf8) {
  core::connection conn(server_options());
  EXPECT_EQ(conn.send_close(1000, "\xed\xa0\x80"), errc::invalid_close_reason);
  EXPECT_FALSE(conn.has_output());
  EXPECT_EQ(conn.send_close(1000, "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5"), errc::ok);
}

TEST(connection_close, check_close_to_send) {
  using C = core::connection;
  EXPECT_EQ(C::check_close_to_send(1000, ""), errc::ok);
  EXPECT_EQ(C::check_close_to_send(4999, std::string(123, 'x')), errc::ok);
  EXPECT_EQ(C::check_close_to_send(core::close_code::no_status, ""), errc::ok);
  EXPECT_EQ(C::check_close_to_send(1006, ""), errc::bad_close_code_to_send);
  EXPECT_EQ(C::check_close_to_send(1015, ""), errc::bad_close_code_to_send);
  EXPECT_EQ(C::check_close_to_send(1000, std::string(124, 'x')), errc::close_reason_too_long);
  EXPECT_EQ(C::check_close_to_send(1000, "\xff"), errc::invalid_close_reason);
}

TEST(connection_close, start_frame_close_counts_as_sent) {
  core::connection conn(server_options());
  core::outgoing_frame f;
  ASSERT_EQ(conn.start_frame(core::opcode::close, true, 2, f), errc::ok);
  EXPECT_EQ(bytes(f.header.data(), f.header.data() + f.header.size), from_hex("88 02"));
  EXPECT_TRUE(conn.close_sent());
  EXPECT_EQ(conn.send("x"), errc::send_after_close);
}

// ================================================================= failing the connection (7.1.7)

TEST(connection_close, failure_sends_close_with_the_error_code) {
  struct failing_input {
    const char* what;
    bytes input;
    errc error;
    std::uint16_t code;
  };
  auto small = server_options();
  small.max_message_size = 3;
  const std::vector<failing_input> cases{
      {"reserved bits", client_frame(op::text, "x", true, rfc_key, 0x10), errc::reserved_bits, 1002},
      {"invalid UTF-8", client_frame(op::text, from_hex("c0 af")), errc::invalid_utf8, 1007},
      {"invalid close reason", client_close(1000, "\xff"), errc::invalid_close_reason, 1007},
      {"bad close code", client_close(1006), errc::invalid_close_code, 1002},
      {"unmasked", server_frame(op::text, "x"), errc::unmasked_frame, 1002},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    expect_failure(server_options(), c.input, c.error, c.code);
  }
  expect_failure(small, client_frame(op::binary, "four"), errc::message_too_large, 1009);
}

TEST(connection_close, failed_connection_refuses_sends) {
  core::connection conn(server_options());
  feed(conn, client_frame(3, ""));
  ASSERT_TRUE(conn.failed());
  EXPECT_EQ(conn.failure(), errc::reserved_opcode);
  take_output(conn);
  EXPECT_EQ(conn.send("x"), errc::connection_failed);
  EXPECT_EQ(conn.send_fragment(core::message_kind::binary, as_span("x"), true), errc::connection_failed);
  EXPECT_EQ(conn.send_ping(), errc::connection_failed);
  EXPECT_EQ(conn.send_pong(), errc::connection_failed);
  EXPECT_EQ(conn.send_close(), errc::connection_failed);
  core::outgoing_frame f;
  EXPECT_EQ(conn.start_frame(core::opcode::text, true, 1, f), errc::connection_failed);
  EXPECT_FALSE(conn.has_output());
}

TEST(connection_close, failed_connection_closes_transport_in_both_roles) {
  core::connection server(server_options());
  feed(server, client_frame(3, ""));
  EXPECT_TRUE(server.closing_complete());
  EXPECT_FALSE(server.should_close_transport()) << "the failure close is still to be written";
  take_output(server);
  EXPECT_TRUE(server.should_close_transport());

  core::connection client(client_options());
  feed(client, server_frame(3, ""));
  take_output(client);
  EXPECT_TRUE(client.should_close_transport()) << "a failing client need not wait for the server";
}

TEST(connection_close, failure_without_auto_close_sends_nothing) {
  auto o = server_options();
  o.auto_close = false;
  core::connection conn(o);
  EXPECT_EQ(feed(conn, client_frame(op::text, "x", true, rfc_key, 0x40)),
            (event_list{error_event(errc::reserved_bits, 1002)}));
  EXPECT_FALSE(conn.has_output());
  EXPECT_TRUE(conn.failed());
}

TEST(connection_close, failure_after_our_close_sends_no_second_close) {
  core::connection conn(server_options());
  ASSERT_EQ(conn.send_close(1000), errc::ok);
  take_output(conn);
  EXPECT_EQ(feed(conn, client_frame(op::text, from_hex("ff"))), (event_list{error_event(errc::invalid_utf8, 1007)}));
  EXPECT_FALSE(conn.has_output());
}

TEST(connection_close, failure_reported_once) {
  core::connection conn(server_options());
  const auto events = feed(conn, concat({client_frame(3, ""), client_frame(4, ""), client_frame(op::text, "x")}), 1);
  EXPECT_EQ(events, (event_list{error_event(errc::reserved_opcode, 1002)}));
  EXPECT_EQ(take_frames(conn).size(), 1u);
}

TEST(connection_close, transport_lost_after_failure) {
  core::connection conn(server_options());
  feed(conn, client_frame(3, ""));
  const auto ev = conn.transport_closed();
  // The application has seen the error; if anything is reported now it is the 1006 loss.
  if (ev.type != core::event_type::none) {
    EXPECT_EQ(record(ev), close_event(1006));
  }
  EXPECT_EQ(conn.transport_closed().type, core::event_type::none);
}

}  // namespace
}  // namespace websock::test
