// The channel in pull mode over a socketpair, against a raw peer: the owner asks for each piece
// into its own buffer (pull_read), sends one piece at a time (pull_write) and may cancel both
// (pull_cancel). Checks the rules of docs/runtime.md ("Pull mode"): message boundaries whatever
// the buffer, control frames handled between pieces, exactly-once completion on the loop, the
// close handshake of RFC 6455 7.1.1, and what a lost connection or a protocol error reports.
#include <future>

#include "channel_harness.hpp"
#include "pull_recorder.hpp"
#include "websock/core/handshake.hpp"
#include "websock/error.hpp"

namespace websock::test {
namespace {

const std::string switching = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
const std::error_code canceled = std::make_error_code(std::errc::operation_canceled);
const std::error_code in_progress = std::make_error_code(std::errc::operation_in_progress);

std::span<const std::byte> bytes_of(const std::string& s) { return std::as_bytes(std::span(s.data(), s.size())); }

// A pull-mode server channel, open, its 101 already read by the peer.
struct pull_server {
  channel_rig rig;
  explicit pull_server(session_options limits = {}, std::string early = {})
      : rig(core::role::server, limits, runtime::channel_mode::pull) {
    rig.start_server(std::move(early));
    EXPECT_EQ(rig.peer->read(switching.size()), switching);
  }
  std::shared_ptr<pull_recorder> recorder(std::size_t buffer_size = 4096) {
    return std::make_shared<pull_recorder>(rig.ch, buffer_size);
  }
};

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 23);
  return s;
}

// ------------------------------------------------------------------ pieces and boundaries

class PullBufferSize : public ::testing::TestWithParam<std::size_t> {};

TEST_P(PullBufferSize, MessageLargerThanTheBufferArrivesAsFragmentsThenTheLastPiece) {
  pull_server s;
  const std::size_t size = GetParam();
  auto rec = s.recorder(size);
  const std::string payload = pattern(64 * 1024);
  rec->read(/*chain=*/true);
  ASSERT_TRUE(s.rig.peer->send(frame(0x82, payload, true)));
  ASSERT_TRUE(rec->wait_messages(1));
  const auto reads = rec->reads();
  std::string joined;
  for (std::size_t i = 0; i < reads.size(); ++i) {
    ASSERT_FALSE(reads[i].error) << i;
    EXPECT_EQ(reads[i].kind, core::message_kind::binary);
    EXPECT_LE(reads[i].bytes.size(), size);
    EXPECT_EQ(reads[i].last, i + 1 == reads.size()) << "only the final piece ends the message";
    joined += reads[i].bytes;
  }
  EXPECT_EQ(joined, payload);
  EXPECT_GE(reads.size(), payload.size() / size);  // each piece fills the buffer but the last may not
}

INSTANTIATE_TEST_SUITE_P(ChannelPull, PullBufferSize, ::testing::Values(1, 7, 4096));

TEST(ChannelPull, TextSplitInsideAUtf8SequenceStillReportsText) {
  pull_server s;
  auto rec = s.recorder(1);  // every multi-byte sequence is cut
  const std::string text = "h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80";  // héllo € 😀
  rec->read(true);
  ASSERT_TRUE(s.rig.peer->send(frame(0x81, text, true)));
  ASSERT_TRUE(rec->wait_messages(1));
  std::string joined;
  for (const auto& r : rec->reads()) {
    EXPECT_EQ(r.kind, core::message_kind::text);
    joined += r.bytes;
  }
  EXPECT_EQ(joined, text);
  EXPECT_EQ(rec->reads().size(), text.size());
}

TEST(ChannelPull, SeveralMessagesInOneSocketReadKeepTheirBoundaries) {
  pull_server s;
  auto rec = s.recorder();
  rec->stop_after(3);
  rec->read(true);
  // One send: a text message, a binary one fragmented on the wire (5.4), an empty text message.
  ASSERT_TRUE(s.rig.peer->send(frame(0x81, "one", true) + frame(0x02, "tw", true) + frame(0x80, "o", true) +
                               frame(0x81, "", true)));
  ASSERT_TRUE(rec->wait_messages(3));
  const auto reads = rec->reads();
  ASSERT_EQ(reads.size(), 4u);
  EXPECT_EQ(reads[0].bytes, "one");
  EXPECT_TRUE(reads[0].last);
  EXPECT_EQ(reads[0].kind, core::message_kind::text);
  EXPECT_EQ(reads[1].bytes, "tw");
  EXPECT_FALSE(reads[1].last);
  EXPECT_EQ(reads[1].kind, core::message_kind::binary);
  EXPECT_EQ(reads[2].bytes, "o");
  EXPECT_TRUE(reads[2].last);
  EXPECT_EQ(reads[2].kind, core::message_kind::binary);
  EXPECT_EQ(reads[3].bytes, "");
  EXPECT_TRUE(reads[3].last);
  EXPECT_EQ(reads[3].kind, core::message_kind::text);
}

// Found by the WinHTTP stress test under UBSan: a read whose input was used up exactly (no
// need_input pass) left offsets into the input buffer that trim() then freed while quiet; the
// next read computed a span from the freed (null) buffer plus the old offset.
TEST(ChannelPull, QuietTrimAfterInputUsedUpExactlyLeavesNoOffsetsIntoTheFreedBuffer) {
  pull_server s;
  // A write over trim_keep keeps a write buffer, so the quiet trim is armed.
  const std::string big = pattern(3 * runtime::channel::trim_keep);
  std::promise<std::error_code> written;
  s.rig.ch->pull_write(core::message_kind::binary, bytes_of(big), true,
                       [&](std::error_code ec) { written.set_value(ec); });
  ASSERT_FALSE(written.get_future().get());
  EXPECT_EQ(s.rig.peer->read(4 + big.size()).size(), 4 + big.size());
  auto rec = s.recorder();
  rec->stop_after(1);
  rec->read(true);
  ASSERT_TRUE(s.rig.peer->send(frame(0x82, pattern(900), true)));
  ASSERT_TRUE(rec->wait_messages(1));
  s.rig.clock->advance(runtime::channel::trim_delay * 3);  // quiet: trim() gives the input buffer back
  rec->stop_after(2);
  rec->read(true);
  ASSERT_TRUE(s.rig.peer->send(frame(0x81, "after", true)));
  ASSERT_TRUE(rec->wait_messages(2));
  EXPECT_EQ(rec->reads().back().bytes, "after");
}

TEST(ChannelPull, MessageSpreadOverManySocketReadsArrivesPieceByPiece) {
  pull_server s;
  auto rec = s.recorder();
  const std::string payload = pattern(1000);
  const std::string wire = frame(0x82, payload, true);
  const std::size_t header = wire.size() - payload.size();
  // The header, then the payload in ten sends, each sent only once the one before was delivered:
  // every send is a socket read of its own, and a piece never spans two reads.
  rec->read(true);
  ASSERT_TRUE(s.rig.peer->send(wire.substr(0, header)));
  std::string joined;
  for (std::size_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(s.rig.peer->send(wire.substr(header + i * 100, 100)));
    ASSERT_TRUE(rec->wait_reads(i + 1));
    const auto r = rec->reads()[i];
    EXPECT_EQ(r.bytes, payload.substr(i * 100, 100));
    EXPECT_EQ(r.last, i == 9);
    joined += r.bytes;
  }
  EXPECT_EQ(joined, payload);
}

TEST(ChannelPull, FramesThatCameWithThe101AreTheFirstPieces) {
  pull_server s({}, frame(0x81, "early", true) + frame(0x82, "bird", true));
  auto rec = s.recorder();
  rec->stop_after(2);
  rec->read(true);
  ASSERT_TRUE(rec->wait_messages(2));
  const auto reads = rec->reads();
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].bytes, "early");
  EXPECT_EQ(reads[0].kind, core::message_kind::text);
  EXPECT_EQ(reads[1].bytes, "bird");
  EXPECT_EQ(reads[1].kind, core::message_kind::binary);
  EXPECT_EQ(s.rig.log->opens, 1);
}

// ------------------------------------------------------------------ control frames

TEST(ChannelPull, RFC6455_5_5_2_PingBetweenPiecesIsAnsweredWithoutCompletingTheRead) {
  pull_server s;
  auto rec = s.recorder();
  rec->stop_after(1);
  rec->read(true);
  ASSERT_TRUE(s.rig.peer->send(frame(0x01, "ab", true)));  // the first fragment of a text message
  ASSERT_TRUE(rec->wait_reads(1));
  // The chained read is outstanding; a ping arrives in the middle of the message.
  ASSERT_TRUE(s.rig.peer->send(frame(0x89, "hi", true)));
  EXPECT_EQ(s.rig.peer->read(4), frame(0x8A, "hi", false));  // the pong, unmasked, same payload
  EXPECT_EQ(rec->reads().size(), 1u) << "the ping completed the read";
  ASSERT_TRUE(s.rig.peer->send(frame(0x80, "cd", true)));
  ASSERT_TRUE(rec->wait_messages(1));
  const auto reads = rec->reads();
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].bytes, "ab");
  EXPECT_FALSE(reads[0].last);
  EXPECT_EQ(reads[1].bytes, "cd");
  EXPECT_TRUE(reads[1].last);
  EXPECT_EQ(reads[1].kind, core::message_kind::text);
}

TEST(ChannelPull, RFC6455_7_1_1_PeerCloseCompletesTheReadThenTheReplyGoesOutAndTheServerClosesTcpFirst) {
  pull_server s;
  auto rec = s.recorder();
  rec->read();
  ASSERT_TRUE(s.rig.peer->send(frame(0x88, close_payload(1000, "bye"), true)));
  ASSERT_TRUE(rec->wait_reads(1));
  const auto r = rec->reads()[0];
  EXPECT_FALSE(r.error);
  EXPECT_TRUE(r.close);
  EXPECT_EQ(r.close_code, 1000);
  EXPECT_EQ(r.close_reason, "bye");
  // The echoed close (code only), then the server's FIN without waiting for ours.
  EXPECT_EQ(s.rig.peer->read(4), frame(0x88, close_payload(1000), false));
  EXPECT_TRUE(s.rig.peer->wait_eof());
  s.rig.peer->shutdown_write();
  ASSERT_TRUE(s.rig.log->wait([&] { return s.rig.log->closes.size() == 1; }));
  EXPECT_EQ(s.rig.log->closes[0].code, 1000);
  EXPECT_EQ(s.rig.log->closes[0].reason, "bye");
  EXPECT_TRUE(s.rig.log->closes[0].clean());
  // Nothing more will arrive: a read now is refused at once.
  rec->read();
  ASSERT_TRUE(rec->wait_reads(2));
  EXPECT_EQ(rec->reads()[1].error, errc::not_open);
}

TEST(ChannelPull, RFC6455_7_1_1_ClientReadsOnAfterTheCloseToSeeTheServerCloseTcp) {
  channel_rig rig(core::role::client, {}, runtime::channel_mode::pull);
  rig.on_loop([&] { rig.ch->start_client(rig.log, {.host = "h", .target = "/t"}); });
  const std::string request = rig.peer->read_until("\r\n\r\n");
  const auto at = request.find("Sec-WebSocket-Key: ");
  ASSERT_NE(at, std::string::npos);
  const std::string key = request.substr(at + 19, request.find("\r\n", at) - at - 19);
  ASSERT_TRUE(rig.peer->send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: " + core::compute_accept_key(key) + "\r\n\r\n"));
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->opens == 1; }));
  auto rec = std::make_shared<pull_recorder>(rig.ch, 4096);
  rec->read();
  ASSERT_TRUE(rig.peer->send(frame(0x88, close_payload(1001), false)));
  ASSERT_TRUE(rec->wait_reads(1));
  EXPECT_TRUE(rec->reads()[0].close);
  EXPECT_EQ(rig.peer->read(8).size(), 8u);   // the client's masked close reply
  EXPECT_TRUE(rig.peer->stays_open(100ms));  // and no FIN: the server closes first
  // The server's FIN ends it, with no pull read outstanding and no clock advanced.
  rig.peer->shutdown_write();
  ASSERT_TRUE(rig.log->wait([&] { return rig.log->closes.size() == 1; }, 5s));
  EXPECT_EQ(rig.log->closes[0].code, 1001);
  EXPECT_TRUE(rig.log->closes[0].clean());
}

// ------------------------------------------------------------------ exactly once

TEST(ChannelPull, SecondReadWhileOneIsOutstandingIsRefusedAtOnceAndTheFirstCompletesOnce) {
  pull_server s;
  auto first = s.recorder();
  auto second = s.recorder();
  s.rig.on_loop([&] {
    first->read();
    second->read();
    // Refused inline, before this handler returns.
    ASSERT_EQ(second->reads().size(), 1u);
    EXPECT_EQ(second->reads()[0].error, in_progress);
    EXPECT_TRUE(first->reads().empty());
  });
  ASSERT_TRUE(s.rig.peer->send(frame(0x82, "x", true)));
  ASSERT_TRUE(first->wait_reads(1));
  EXPECT_EQ(first->reads()[0].bytes, "x");
  // A round trip later the first has still completed once, the second still once.
  auto third = s.recorder();
  third->read();
  ASSERT_TRUE(s.rig.peer->send(frame(0x82, "y", true)));
  ASSERT_TRUE(third->wait_reads(1));
  EXPECT_EQ(first->reads().size(), 1u);
  EXPECT_EQ(second->reads().size(), 1u);
  EXPECT_EQ(third->reads()[0].bytes, "y");
}

TEST(ChannelPull, SecondWriteWhileOneIsOutstandingIsRefusedAtOnceAndTheFirstCompletesOnce) {
  pull_server s;
  auto rec = s.recorder();
  std::vector<write_record> inline_refusal;
  const std::string a = "first", b = "second";
  s.rig.on_loop([&] {
    s.rig.ch->pull_write(core::message_kind::text, bytes_of(a), true, rec->writer());
    s.rig.ch->pull_write(core::message_kind::text, bytes_of(b), true, rec->writer());
    inline_refusal = rec->writes();  // the first is not written before this handler returns
  });
  ASSERT_EQ(inline_refusal.size(), 1u);
  EXPECT_EQ(inline_refusal[0].error, in_progress);
  const std::string expected = frame(0x81, a, false);
  EXPECT_EQ(s.rig.peer->read(expected.size()), expected);
  ASSERT_TRUE(rec->wait_writes(2));
  EXPECT_FALSE(rec->writes()[1].error);
  // A later write completes once more, and only once: three completions in all.
  s.rig.ch->pull_write(core::message_kind::text, bytes_of(b), true, rec->writer());
  EXPECT_EQ(s.rig.peer->read(8), frame(0x81, b, false));
  ASSERT_TRUE(rec->wait_writes(3));
  EXPECT_EQ(rec->writes().size(), 3u);
  EXPECT_FALSE(rec->writes()[2].error);
}

TEST(ChannelPull, CompletionThatStartsTheNextReadDoesNotNest) {
  pull_server s;
  auto rec = s.recorder(1);
  constexpr std::size_t count = 10000;
  rec->stop_after(count);
  std::string wire;
  for (std::size_t i = 0; i < count; ++i) wire += frame(0x82, std::string(1, static_cast<char>('0' + i % 10)), true);
  rec->read(true);
  ASSERT_TRUE(s.rig.peer->send(wire));
  ASSERT_TRUE(rec->wait_messages(count, 30s));
  const auto reads = rec->reads();
  ASSERT_EQ(reads.size(), count);
  for (std::size_t i = 0; i < count; ++i) {
    ASSERT_EQ(reads[i].bytes, std::string(1, static_cast<char>('0' + i % 10))) << i;
    ASSERT_TRUE(reads[i].last);
  }
  // Each completion ran with no other completion of ours below it on the stack.
  EXPECT_EQ(rec->max_depth(), 1);
}

TEST(ChannelPull, RemainderOfABigMessageIsHandedOutWithoutNesting) {
  pull_server s;
  auto rec = s.recorder(1);
  const std::string payload = pattern(10000);  // one frame: 10,000 one-byte pieces of one input
  rec->read(true);
  ASSERT_TRUE(s.rig.peer->send(frame(0x82, payload, true)));
  ASSERT_TRUE(rec->wait_messages(1, 30s));
  EXPECT_EQ(rec->reads().size(), payload.size());
  EXPECT_EQ(rec->max_depth(), 1);
}

// ------------------------------------------------------------------ cancel

TEST(ChannelPull, CancelCompletesTheReadAndWriteOnceWithOperationCanceledAndALaterReadWorks) {
  pull_server s;
  auto rec = s.recorder();
  // A write the peer does not read yet stays in flight: 4 MiB is more than a socketpair buffers.
  const std::string big = pattern(4 * 1024 * 1024);
  rec->read();
  s.rig.ch->pull_write(core::message_kind::binary, bytes_of(big), true, rec->writer());
  s.rig.ch->pull_cancel();
  ASSERT_TRUE(rec->wait_reads(1));
  ASSERT_TRUE(rec->wait_writes(1));
  EXPECT_EQ(rec->reads()[0].error, canceled);
  EXPECT_EQ(rec->writes()[0].error, canceled);
  // The connection stays: the cancelled write's frame still leaves whole.
  const std::string expected = frame(0x82, big, false);
  ASSERT_EQ(s.rig.peer->read(expected.size(), 20s).size(), expected.size());
  // Then a write and a read as usual; the cancelled ones never complete again.
  const std::string c = "after";
  s.rig.ch->pull_write(core::message_kind::text, bytes_of(c), true, rec->writer());
  EXPECT_EQ(s.rig.peer->read(7), frame(0x81, c, false));
  ASSERT_TRUE(rec->wait_writes(2));
  EXPECT_FALSE(rec->writes()[1].error);
  rec->read();
  ASSERT_TRUE(s.rig.peer->send(frame(0x81, "later", true)));
  ASSERT_TRUE(rec->wait_reads(2));
  EXPECT_EQ(rec->reads()[1].bytes, "later");
  EXPECT_FALSE(rec->reads()[1].error);
  EXPECT_EQ(rec->reads().size(), 2u);
  EXPECT_EQ(rec->writes().size(), 2u);
}

TEST(ChannelPull, CancelWithNothingOutstandingCompletesNothing) {
  pull_server s;
  auto rec = s.recorder();
  s.rig.ch->pull_cancel();
  rec->read();
  ASSERT_TRUE(s.rig.peer->send(frame(0x82, "z", true)));
  ASSERT_TRUE(rec->wait_reads(1));
  EXPECT_EQ(rec->reads()[0].bytes, "z");
}

// ------------------------------------------------------------------ the end of the connection

TEST(ChannelPull, ConnectionLostCompletesTheReadOnceWithAnErrorThenOnClosedOnceWith1006) {
  pull_server s;
  auto rec = s.recorder();
  bool read_done_before_closed = false;
  rec->read();
  s.rig.peer->close();
  ASSERT_TRUE(s.rig.log->wait([&] { return s.rig.log->closes.size() == 1; }));
  read_done_before_closed = rec->reads().size() == 1;  // on_closed runs after the read completed
  EXPECT_TRUE(read_done_before_closed);
  ASSERT_EQ(rec->reads().size(), 1u);
  EXPECT_TRUE(rec->reads()[0].error);
  EXPECT_FALSE(rec->reads()[0].close);
  EXPECT_EQ(s.rig.log->closes[0].code, core::close_code::abnormal);
  // Later reads are refused; nothing else is reported.
  rec->read();
  ASSERT_TRUE(rec->wait_reads(2));
  EXPECT_EQ(rec->reads()[1].error, errc::not_open);
  EXPECT_EQ(s.rig.log->closes.size(), 1u);
}

TEST(ChannelPull, ProtocolErrorFromThePeerCompletesTheReadWithThatError) {
  pull_server s;
  auto rec = s.recorder();
  rec->read();
  ASSERT_TRUE(s.rig.peer->send(frame(0x81, "x", false)));  // unmasked client frame (5.1)
  ASSERT_TRUE(rec->wait_reads(1));
  EXPECT_EQ(rec->reads()[0].error, core::errc::unmasked_frame);
  EXPECT_EQ(s.rig.peer->read(4), frame(0x88, close_payload(1002), false));
  EXPECT_TRUE(s.rig.peer->wait_eof());
  s.rig.peer->close();
  ASSERT_TRUE(s.rig.log->wait([&] { return s.rig.log->closes.size() == 1; }));
  EXPECT_EQ(s.rig.log->closes[0].code, 1002);
  EXPECT_EQ(s.rig.log->closes[0].error, core::errc::unmasked_frame);
  EXPECT_EQ(rec->reads().size(), 1u);
}

// ------------------------------------------------------------------ writing

TEST(ChannelPull, WriteCompletesOnceItsBytesAreWritten) {
  pull_server s;
  auto rec = s.recorder();
  const std::string hello = "hello";
  s.rig.ch->pull_write(core::message_kind::text, bytes_of(hello), true, rec->writer());
  EXPECT_EQ(s.rig.peer->read(7), frame(0x81, hello, false));
  ASSERT_TRUE(rec->wait_writes(1));
  EXPECT_FALSE(rec->writes()[0].error);
  EXPECT_EQ(s.rig.ch->buffered(), 0u);
}

TEST(ChannelPull, FragmentsWithLastFalseThenTrueGoOutAsContinuationFrames) {
  pull_server s;
  auto rec = s.recorder();
  const std::string parts[] = {"ab", "cd", "ef"};
  for (int i = 0; i < 3; ++i) {
    s.rig.ch->pull_write(core::message_kind::binary, bytes_of(parts[i]), i == 2, rec->writer());
    ASSERT_TRUE(rec->wait_writes(static_cast<std::size_t>(i) + 1));
    EXPECT_FALSE(rec->writes()[static_cast<std::size_t>(i)].error);
  }
  // Binary without FIN, continuation without FIN, continuation with FIN (5.4).
  EXPECT_EQ(s.rig.peer->read(12), frame(0x02, "ab", false) + frame(0x00, "cd", false) + frame(0x80, "ef", false));
}

TEST(ChannelPull, WriteAfterOurCloseIsRefused) {
  pull_server s;
  auto rec = s.recorder();
  EXPECT_FALSE(s.rig.ch->close(1000, "done"));
  EXPECT_EQ(s.rig.peer->read(8), frame(0x88, close_payload(1000, "done"), false));
  const std::string late = "late";
  s.rig.ch->pull_write(core::message_kind::text, bytes_of(late), true, rec->writer());
  ASSERT_TRUE(rec->wait_writes(1));
  EXPECT_EQ(rec->writes()[0].error, core::errc::send_after_close);
  // The peer's close reply still completes a read, and ends the connection cleanly.
  rec->read();
  ASSERT_TRUE(s.rig.peer->send(frame(0x88, close_payload(1000), true)));
  ASSERT_TRUE(rec->wait_reads(1));
  EXPECT_TRUE(rec->reads()[0].close);
  EXPECT_TRUE(s.rig.peer->wait_eof());
  s.rig.peer->shutdown_write();
  ASSERT_TRUE(s.rig.log->wait([&] { return s.rig.log->closes.size() == 1; }));
  EXPECT_TRUE(s.rig.log->closes[0].clean());
}

// ------------------------------------------------------------------ threads

TEST(ChannelPull, ReadsAndWritesFromAnotherThreadCompleteOnTheLoop) {
  pull_server s;
  auto rec = s.recorder();
  ASSERT_FALSE(s.rig.ch->on_loop());
  rec->read();  // posted to the loop
  ASSERT_TRUE(s.rig.peer->send(frame(0x81, "in", true)));
  ASSERT_TRUE(rec->wait_reads(1));
  EXPECT_EQ(rec->reads()[0].bytes, "in");
  EXPECT_TRUE(rec->reads()[0].on_loop);
  {
    const std::string out = "out";  // copied by pull_write: it may go before the write is done
    s.rig.ch->pull_write(core::message_kind::text, bytes_of(out), true, rec->writer());
  }
  EXPECT_EQ(s.rig.peer->read(5), frame(0x81, "out", false));
  ASSERT_TRUE(rec->wait_writes(1));
  EXPECT_FALSE(rec->writes()[0].error);
  EXPECT_TRUE(rec->writes()[0].on_loop);
  // A refusal from another thread completes on the loop too.
  rec->read();
  rec->read();
  ASSERT_TRUE(rec->wait_reads(2));
  EXPECT_EQ(rec->reads()[1].error, in_progress);
  EXPECT_TRUE(rec->reads()[1].on_loop);
  EXPECT_FALSE(s.rig.log->off_loop_event);
}

}  // namespace
}  // namespace websock::test
