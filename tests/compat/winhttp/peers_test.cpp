// Self-test of the WinHTTP tests' loopback peer (peers/py_peer.py) and of PeerProcess: each path
// does what py_peer.py's header promises, seen byte by byte from a plain socket (RawClient).
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <ostream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "peer_process.hpp"
#include "raw_client.hpp"

namespace {

using test_support::client_frame;
using test_support::close_payload;
using test_support::header_value;
using winhttp_test::PeerProcess;
using test_support::RawClient;
using test_support::sample_accept;
using test_support::upgrade_request;
using namespace std::chrono_literals;

constexpr auto quiet_period = 300ms;  // how long a peer that must say nothing is watched

std::string status_line(const std::string& head) { return head.substr(0, head.find("\r\n")); }

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

class PyPeer : public ::testing::Test {
 protected:
  PeerProcess peer;

  // A client past a 101 from `path`; the head is checked to be a valid upgrade.
  std::unique_ptr<RawClient> upgraded(const std::string& path) {
    auto client = std::make_unique<RawClient>(peer.port());
    client->send(upgrade_request(path));
    const std::string head = client->read_head();
    EXPECT_EQ(status_line(head), "HTTP/1.1 101 Switching Protocols");
    EXPECT_EQ(header_value(head, "Sec-WebSocket-Accept"), sample_accept);
    return client;
  }

  // Sends a close frame and expects the same close back, then the end of the TCP connection.
  static void close_handshake(RawClient& client) {
    client.send(client_frame(0x8, close_payload(1000, "done")));
    const auto reply = client.read_frame();
    EXPECT_EQ(reply.first_byte, 0x88u);
    EXPECT_EQ(reply.payload, close_payload(1000, "done"));
    EXPECT_EQ(client.read_to_eof(), "");
  }
};

TEST(PeerProcessTest, ReportsItsPortAndIsGoneAfterStop) {
  PeerProcess peer;
  ASSERT_GT(peer.port(), 0);
  { RawClient reachable(peer.port()); }
  const pid_t pid = peer.pid();
  peer.stop();
  EXPECT_NE(::kill(pid, 0), 0);  // reaped: the pid no longer names our child
  EXPECT_THROW(RawClient unreachable(peer.port()), std::runtime_error);
}

TEST(PeerProcessTest, ThrowsWhenThePeerExitsBeforeListening) {
  EXPECT_THROW(PeerProcess({"--no-such-option"}), std::runtime_error);
}

TEST(PeerProcessTest, TwoPeersListenOnDifferentPorts) {
  PeerProcess first;
  PeerProcess second;
  EXPECT_NE(first.port(), second.port());
}

TEST_F(PyPeer, UnknownPathIsABadRequest) {
  RawClient client(peer.port());
  client.send(upgrade_request("/nowhere"));
  const std::string reply = client.read_to_eof();
  EXPECT_EQ(status_line(reply), "HTTP/1.1 400 Bad Request");
  EXPECT_NE(reply.find("\r\n\r\npy_peer: unknown path\n"), std::string::npos);
}

// --- the well-behaved paths -------------------------------------------------------------------

TEST_F(PyPeer, EchoReturnsTextAsTextAndJoinsBinaryFragments) {
  auto client = upgraded("/echo");
  client->send(client_frame(0x1, "hello"));
  auto frame = client->read_frame();
  EXPECT_EQ(frame.first_byte, 0x81u);
  EXPECT_FALSE(frame.masked);
  EXPECT_EQ(frame.payload, "hello");

  client->send(client_frame(0x2, "ab", false) + client_frame(0x0, "cd", false) + client_frame(0x0, "e"));
  frame = client->read_frame();
  EXPECT_EQ(frame.first_byte, 0x82u);
  EXPECT_EQ(frame.payload, "abcde");
  close_handshake(*client);
}

TEST_F(PyPeer, EchoSendCommandSendsAPatternedBinaryMessage) {
  auto client = upgraded("/echo");
  client->send(client_frame(0x1, "send 300"));
  const auto frame = client->read_frame();
  EXPECT_EQ(frame.first_byte, 0x82u);
  ASSERT_EQ(frame.payload.size(), 300u);
  for (std::size_t i = 0; i < 300; ++i) ASSERT_EQ(static_cast<unsigned char>(frame.payload[i]), i % 251) << i;
}

TEST_F(PyPeer, EchoPingCommandSendsAPingThenAfterPing) {
  auto client = upgraded("/echo");
  client->send(client_frame(0x1, "ping"));
  const auto ping = client->read_frame();
  EXPECT_EQ(ping.first_byte, 0x89u);
  EXPECT_EQ(ping.payload, "peer-ping");
  const auto text = client->read_frame();
  EXPECT_EQ(text.first_byte, 0x81u);
  EXPECT_EQ(text.payload, "after-ping");
}

TEST_F(PyPeer, EchoCloseCommandClosesWithThatCodeAndReason) {
  auto client = upgraded("/echo");
  client->send(client_frame(0x1, "close 4001 going away now"));
  const auto close = client->read_frame();
  EXPECT_EQ(close.first_byte, 0x88u);
  EXPECT_EQ(close.payload, close_payload(4001, "going away now"));
  client->send(client_frame(0x8, close.payload));
  EXPECT_EQ(client->read_to_eof(), "");
}

TEST_F(PyPeer, EchoCloseCommandSendsCodesForbiddenOnTheWire) {
  auto client = upgraded("/echo");
  client->send(client_frame(0x1, "close 1005"));
  const auto close = client->read_frame();
  EXPECT_EQ(close.first_byte, 0x88u);
  EXPECT_EQ(close.payload, close_payload(1005));
}

TEST_F(PyPeer, EchoCloseEmptySendsACloseFrameWithoutPayload) {
  auto client = upgraded("/echo");
  client->send(client_frame(0x1, "close-empty"));
  const auto close = client->read_frame();
  EXPECT_EQ(close.first_byte, 0x88u);
  EXPECT_EQ(close.payload, "");
}

TEST_F(PyPeer, EchoSilentCloseAnswersNothingNotEvenAClose) {
  auto client = upgraded("/echo");
  client->send(client_frame(0x1, "silent-close"));
  client->send(client_frame(0x1, "still there?") + client_frame(0x8, close_payload(1000)));
  EXPECT_TRUE(client->quiet_for(quiet_period));
}

TEST_F(PyPeer, GreetingQuerySendsTheWineStyleGreetingFirst) {
  auto client = upgraded("/echo?greeting");
  const auto greeting = client->read_frame();
  EXPECT_EQ(greeting.first_byte, 0x81u);
  EXPECT_EQ(greeting.payload, "Request served by py_peer");
  client->send(client_frame(0x1, "then echo"));
  EXPECT_EQ(client->read_frame().payload, "then echo");
}

TEST_F(PyPeer, GreetingQueryComesBeforeTheFirstMessageOfProtocol) {
  RawClient client(peer.port());
  client.send(upgrade_request("/protocol?greeting", "Sec-WebSocket-Protocol: chat\r\n"));
  client.read_head();
  EXPECT_EQ(client.read_frame().payload, "Request served by py_peer");
  EXPECT_EQ(client.read_frame().payload, "chat");
}

TEST_F(PyPeer, EchoLetsWebsocketsRejectAnUpgradeWithoutKey) {
  RawClient client(peer.port());
  client.send("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Version: 13\r\n\r\n");
  EXPECT_EQ(status_line(client.read_head()), "HTTP/1.1 400 Bad Request");
}

TEST_F(PyPeer, ProtocolChoosesChatAndReportsWhatWasOffered) {
  RawClient client(peer.port());
  client.send(upgrade_request("/protocol", "Sec-WebSocket-Protocol: other, chat\r\n"));
  const std::string head = client.read_head();
  EXPECT_EQ(status_line(head), "HTTP/1.1 101 Switching Protocols");
  EXPECT_EQ(header_value(head, "Sec-WebSocket-Protocol"), "chat");
  EXPECT_EQ(client.read_frame().payload, "other, chat");
}

TEST_F(PyPeer, ProtocolWithoutOfferChoosesNoneAndReportsEmpty) {
  auto client = upgraded("/protocol");
  EXPECT_EQ(client->read_frame().payload, "");
}

TEST_F(PyPeer, HeadersReportsEveryRequestHeaderAsJson) {
  RawClient client(peer.port());
  client.send(upgrade_request("/headers?x=1", "X-App: one\r\nX-App: two\r\nSec-WebSocket-Key: second==\r\n"));
  EXPECT_EQ(header_value(client.read_head(), "Sec-WebSocket-Accept"), sample_accept);  // from the first key
  const std::string json = client.read_frame().payload;
  EXPECT_EQ(json.rfind("{\":request-line\": [\"GET /headers?x=1 HTTP/1.1\"]", 0), 0u) << json;
  EXPECT_NE(json.find("\"sec-websocket-key\": [\"dGhlIHNhbXBsZSBub25jZQ==\", \"second==\"]"), std::string::npos);
  EXPECT_NE(json.find("\"sec-websocket-version\": [\"13\"]"), std::string::npos);
  EXPECT_NE(json.find("\"x-app\": [\"one\", \"two\"]"), std::string::npos);
  EXPECT_NE(json.find("\"host\": [\"127.0.0.1\"]"), std::string::npos);
}

// --- HTTP-level faults ------------------------------------------------------------------------

TEST_F(PyPeer, Fault404AnswersNotFoundWithItsBodyThenCloses) {
  RawClient client(peer.port());
  client.send(upgrade_request("/fault/404"));
  const std::string head = client.read_head();
  EXPECT_EQ(status_line(head), "HTTP/1.1 404 Not Found");
  EXPECT_EQ(header_value(head, "Content-Type"), "text/html");
  const std::string body = client.read_to_eof();
  EXPECT_EQ(header_value(head, "Content-Length"), std::to_string(body.size()));
  EXPECT_EQ(body, "<html><body><h1>404 Not Found</h1><p>py_peer fault</p></body></html>\n");
}

TEST_F(PyPeer, FaultChunked403SendsItsBodyInChunks) {
  RawClient client(peer.port());
  client.send(upgrade_request("/fault/chunked-403"));
  const std::string head = client.read_head();
  EXPECT_EQ(status_line(head), "HTTP/1.1 403 Forbidden");
  EXPECT_EQ(header_value(head, "Transfer-Encoding"), "chunked");
  EXPECT_EQ(header_value(head, "Content-Length"), "");
  const std::string first = "<html><body><h1>403 Forbidden</h1>";
  const std::string second = "<p>py_peer fault</p></body></html>\n";
  const std::string expected = chunk(first) + chunk(second) + "0\r\n\r\n";
  EXPECT_EQ(client.read_exact(expected.size()), expected);
  EXPECT_TRUE(client.quiet_for(quiet_period));  // kept open: the chunks alone delimit the body
}

TEST_F(PyPeer, FaultBadAcceptSendsAWrongAccept) {
  RawClient client(peer.port());
  client.send(upgrade_request("/fault/bad-accept"));
  const std::string head = client.read_head();
  EXPECT_EQ(status_line(head), "HTTP/1.1 101 Switching Protocols");
  const std::string accept = header_value(head, "Sec-WebSocket-Accept");
  EXPECT_EQ(accept.size(), sample_accept.size());
  EXPECT_NE(accept, sample_accept);
  EXPECT_EQ(accept.substr(1), sample_accept.substr(1));
}

TEST_F(PyPeer, FaultExtensionSelectsAnExtensionNobodyOffered) {
  auto client = upgraded("/fault/extension");
  close_handshake(*client);
}

TEST_F(PyPeer, FaultExtensionHeadNamesPermessageDeflate) {
  RawClient client(peer.port());
  client.send(upgrade_request("/fault/extension"));
  EXPECT_EQ(header_value(client.read_head(), "Sec-WebSocket-Extensions"), "permessage-deflate");
}

TEST_F(PyPeer, FaultFrameWith101SendsEarlyRightAfterTheHeadThenEchoes) {
  auto client = upgraded("/fault/frame-with-101");
  const auto early = client->read_frame();
  EXPECT_EQ(early.first_byte, 0x81u);
  EXPECT_EQ(early.payload, "early");
  client->send(client_frame(0x1, "then"));
  EXPECT_EQ(client->read_frame().payload, "then");
  close_handshake(*client);
}

TEST_F(PyPeer, FaultSlowHeadNeverAnswers) {
  RawClient client(peer.port());
  client.send(upgrade_request("/fault/slow-head"));
  EXPECT_TRUE(client.quiet_for(quiet_period));
}

// --- faults after a valid 101 -----------------------------------------------------------------

TEST_F(PyPeer, FaultDropMidMessageSendsTenBytesOfAFrameThenEnds) {
  auto client = upgraded("/fault/drop-mid-message");
  const std::string expected{'\x82', '\x7e', '\x03', '\xe8', '\x00', '\x01', '\x02', '\x03', '\x04', '\x05'};
  EXPECT_EQ(client->read_to_eof(), expected);
}

TEST_F(PyPeer, FaultResetResetsTheConnectionAfterThe101) {
  auto client = upgraded("/fault/reset");
  EXPECT_EQ(client->read_error(), ECONNRESET);
}

struct InvalidFrame {
  const char* name;
  const char* path;
  std::string frame;
};

// Names the case in test output instead of dumping the struct's bytes.
void PrintTo(const InvalidFrame& frame, std::ostream* out) { *out << frame.path; }

class PyPeerInvalidFrame : public PyPeer, public ::testing::WithParamInterface<InvalidFrame> {};

TEST_P(PyPeerInvalidFrame, SendsItsFrameThenAnswersTheClientsClose) {
  auto client = upgraded(GetParam().path);
  const std::string& expected = GetParam().frame;
  EXPECT_EQ(client->read_exact(expected.size()), expected);
  close_handshake(*client);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, PyPeerInvalidFrame,
    ::testing::Values(
        // MASK bit and key 11 22 33 44 over "masked"
        InvalidFrame{"Masked", "/fault/masked-frame", std::string("\x81\x86\x11\x22\x33\x44", 6) + "\x7c\x43\x40\x2f\x74\x46"},
        InvalidFrame{"Rsv", "/fault/rsv-bits", "\xf1\x03rsv"},
        InvalidFrame{"Opcode", "/fault/reserved-opcode", "\x83\x03op3"}),
    [](const ::testing::TestParamInfo<InvalidFrame>& frame) { return std::string(frame.param.name); });

TEST_F(PyPeer, FaultClose1ByteSendsAOneByteCloseAndDoesNotAnswerTheClients) {
  auto client = upgraded("/fault/close-1-byte");
  const auto close = client->read_frame();
  EXPECT_EQ(close.first_byte, 0x88u);
  EXPECT_EQ(close.payload, "\x03");
  client->send(client_frame(0x8, close_payload(1002)));
  EXPECT_EQ(client->read_to_eof(), "");
}

TEST_F(PyPeer, FaultNoCloseReplyWithGreetingGreetsThenSaysNothing) {
  auto client = upgraded("/fault/no-close-reply?greeting");
  EXPECT_EQ(client->read_frame().payload, "Request served by py_peer");
  client->send(client_frame(0x8, close_payload(1000)));
  EXPECT_TRUE(client->quiet_for(quiet_period));
}

TEST_F(PyPeer, FaultNoCloseReplyNeverAnswersACloseAndStaysOpen) {
  auto client = upgraded("/fault/no-close-reply");
  client->send(client_frame(0x1, "echo?") + client_frame(0x8, close_payload(1000)));
  EXPECT_TRUE(client->quiet_for(quiet_period));
}

}  // namespace
