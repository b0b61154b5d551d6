// The client's one-line description of a refused upgrade carries the server's reason phrase:
// escaped and cut like every peer byte bound for a log (issue 9 defect 4), so a server cannot
// write terminal controls (a C1 CSI, 0x9b) or kilobytes into the application's log.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "websock/websock.hpp"

namespace websock::test {
namespace {

// A one-shot TCP server on 127.0.0.1 that answers any request head with `response`.
class canned_server {
 public:
  explicit canned_server(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 1) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      return;
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      (void)::send(c, response_.data(), response_.size(), MSG_NOSIGNAL);
      ::close(c);
    });
  }
  ~canned_server() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  std::uint16_t port() const { return port_; }

 private:
  std::string response_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST(HandshakeDetail, Issue9Defect4_ServerReasonPhraseIsEscapedAndCut) {
  const std::string reason = "Nope\x9b" "31m" + std::string(4000, 'r');  // obs-text is a valid reason byte
  canned_server srv("HTTP/1.1 403 " + reason + "\r\nContent-Length: 0\r\n\r\n");
  ASSERT_NE(srv.port(), 0);
  client c;
  connection conn;
  std::string detail;
  EXPECT_EQ(c.connect_and_wait("ws://127.0.0.1:" + std::to_string(srv.port()) + "/", conn, &detail),
            errc::upgrade_rejected);
  EXPECT_NE(detail.find("HTTP 403 Nope\\x9b31m"), std::string::npos) << detail.substr(0, 200);
  EXPECT_LT(detail.size(), 1000u);
  EXPECT_TRUE(std::all_of(detail.begin(), detail.end(), [](char ch) { return ch >= 0x20 && ch < 0x7f; }));
}

}  // namespace
}  // namespace websock::test
