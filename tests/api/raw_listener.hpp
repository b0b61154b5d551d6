// A hand-written server on 127.0.0.1 for client tests: it records every request head it is sent
// and answers each with what `reply` makes of it (nothing: just close), so a test sees the exact
// bytes our client put on the wire, or that it never connected.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace websock::test {

class raw_listener {
 public:
  using reply_fn = std::function<std::string(const std::string& head)>;

  explicit raw_listener(reply_fn reply = {}) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0 || ::pipe(wake_) != 0) {
      throw std::runtime_error("raw_listener: cannot listen on 127.0.0.1");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~raw_listener() {
    stop();
    ::close(fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
  }
  raw_listener(const raw_listener&) = delete;
  raw_listener& operator=(const raw_listener&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url(const std::string& path) const {
    return "ws://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Stops accepting (a connection in progress is finished first) and joins; what the listener
  // saw is final afterwards.
  void stop() {
    if (!thread_.joinable()) return;
    const char b = 0;
    (void)::write(wake_[1], &b, 1);
    thread_.join();
  }

  // The bytes each connection sent up to the end of its head (or its close), in order.
  std::vector<std::string> heads() const {
    std::lock_guard lock(mu_);
    return heads_;
  }

 private:
  // Waits for `fd` to be readable or for stop(); false on stop.
  bool wait_readable(int fd) const {
    pollfd p[2] = {{fd, POLLIN, 0}, {wake_[0], POLLIN, 0}};
    while (::poll(p, 2, -1) < 0) {
    }
    return (p[1].revents & POLLIN) == 0;
  }

  void run() {
    while (wait_readable(fd_)) {
      const int conn = ::accept(fd_, nullptr, nullptr);
      if (conn < 0) continue;
      std::string head;
      char buf[4096];
      while (head.find("\r\n\r\n") == std::string::npos && wait_readable(conn)) {
        const ssize_t n = ::recv(conn, buf, sizeof buf, 0);
        if (n <= 0) break;
        head.append(buf, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mu_);
        heads_.push_back(head);
      }
      const std::string answer = reply_ ? reply_(head) : std::string{};
      (void)::send(conn, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(conn);
    }
  }

  reply_fn reply_;
  int fd_ = -1;
  int wake_[2] = {-1, -1};
  std::uint16_t port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> heads_;
};

}  // namespace websock::test
