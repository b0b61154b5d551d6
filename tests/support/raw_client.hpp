// RawClient: a blocking TCP client on a plain socket, for looking at exactly what a server sends and
// for sending exactly the bytes a test wants (the WinHTTP peers' self-test, the IIS host's rule and
// fault tests; no websock code involved). Every read gives up after 10 s
// (SO_RCVTIMEO) and throws, so a peer that misbehaves fails a test instead of hanging it.
//
//   RawClient client(peer.port());                       // connects to 127.0.0.1:port
//   client.send(upgrade_request("/echo"));               // RFC 6455's sample key, see sample_accept
//   std::string head = client.read_head();               // through the blank line, nothing more
//   client.send(client_frame(0x1, "hello"));             // final, masked
//   ServerFrame frame = client.read_frame();             // {first byte, masked?, payload}
//   client.read_exact(n), client.read_to_eof(), client.read_error() (errno of the next failed read),
//   client.quiet_for(ms) (true if nothing arrived and the connection stayed open that long)
//
// Free helpers: upgrade_request(path, extra header lines), client_frame(opcode, payload),
// close_payload(code, reason), sample_key / sample_accept, header_value(head, name).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace test_support {

// The sample of RFC 6455 section 1.3: this key's accept value is sample_accept.
inline constexpr std::string_view sample_key = "dGhlIHNhbXBsZSBub25jZQ==";
inline constexpr std::string_view sample_accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

inline std::string upgrade_request(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
         "Connection: Upgrade\r\nSec-WebSocket-Key: " + std::string(sample_key) +
         "\r\nSec-WebSocket-Version: 13\r\n" + std::string(extra_headers) + "\r\n";
}

// One client frame: FIN set unless `final` is false, masked with a fixed key.
inline std::string client_frame(unsigned opcode, std::string_view payload, bool final = true) {
  static constexpr unsigned char key[4] = {0x5a, 0x0f, 0xc3, 0x96};
  std::string frame;
  frame += static_cast<char>((final ? 0x80 : 0x00) | opcode);
  const std::size_t n = payload.size();
  if (n < 126) {
    frame += static_cast<char>(0x80 | n);
  } else if (n < 65536) {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(n >> 8);
    frame += static_cast<char>(n & 0xff);
  } else {
    frame += static_cast<char>(0x80 | 127);
    for (int shift = 56; shift >= 0; shift -= 8) frame += static_cast<char>((n >> shift) & 0xff);
  }
  frame.append(reinterpret_cast<const char*>(key), 4);
  for (std::size_t i = 0; i < n; ++i) frame += static_cast<char>(payload[i] ^ static_cast<char>(key[i % 4]));
  return frame;
}

inline std::string close_payload(std::uint16_t code, std::string_view reason = "") {
  std::string payload{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
  return payload + std::string(reason);
}

// The value of the first header `name` (case-insensitive) in a response head, or "" if absent.
inline std::string header_value(std::string_view head, std::string_view name) {
  std::size_t at = head.find("\r\n");
  while (at != std::string_view::npos && at + 2 < head.size()) {
    const std::size_t start = at + 2;
    const std::size_t end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end - start);
    const std::size_t colon = line.find(':');
    if (colon == name.size() && strncasecmp(line.data(), name.data(), name.size()) == 0) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    at = end;
  }
  return "";
}

struct ServerFrame {
  unsigned first_byte = 0;  // FIN, RSV1-3 and opcode
  bool masked = false;
  std::string payload;      // unmasked
};

class RawClient {
 public:
  explicit RawClient(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) fail("socket");
    timeval limit{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      const int error = errno;
      ::close(fd_);
      errno = error;
      fail("connect");
    }
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  int fd() const { return fd_; }

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent < 0 && errno == EINTR) continue;
      if (sent < 0) fail("send");
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
  }

  // Byte by byte through "\r\n\r\n", so that no frame byte after the head is consumed.
  std::string read_head() {
    std::string head;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) head += read_exact(1);
    return head;
  }

  std::string read_exact(std::size_t n) {
    std::string bytes(n, '\0');
    for (std::size_t have = 0; have < n;) {
      const ssize_t got = ::recv(fd_, bytes.data() + have, n - have, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("recv");
      if (got == 0) throw std::runtime_error("RawClient: end of stream after " + std::to_string(have) + " of " +
                                             std::to_string(n) + " bytes");
      have += static_cast<std::size_t>(got);
    }
    return bytes;
  }

  std::string read_to_eof() {
    std::string bytes;
    char chunk[4096];
    for (;;) {
      const ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("recv");
      if (got == 0) return bytes;
      bytes.append(chunk, static_cast<std::size_t>(got));
    }
  }

  ServerFrame read_frame() {
    ServerFrame frame;
    const std::string head = read_exact(2);
    frame.first_byte = static_cast<unsigned char>(head[0]);
    frame.masked = (static_cast<unsigned char>(head[1]) & 0x80) != 0;
    std::uint64_t n = static_cast<unsigned char>(head[1]) & 0x7f;
    if (n >= 126) {
      const std::string extended = read_exact(n == 126 ? 2 : 8);
      n = 0;
      for (const char byte : extended) n = (n << 8) | static_cast<unsigned char>(byte);
    }
    const std::string key = frame.masked ? read_exact(4) : std::string();
    frame.payload = read_exact(static_cast<std::size_t>(n));
    for (std::size_t i = 0; frame.masked && i < frame.payload.size(); ++i) frame.payload[i] ^= key[i % 4];
    return frame;
  }

  // The errno of the next read that fails (0 if one returns data or end of stream instead).
  int read_error() {
    char byte;
    for (;;) {
      const ssize_t got = ::recv(fd_, &byte, 1, 0);
      if (got < 0 && errno == EINTR) continue;
      return got < 0 ? errno : 0;
    }
  }

  // True if for `how_long` nothing arrived and the connection was not closed: a check that a peer
  // stays silent, which no event can signal.
  bool quiet_for(std::chrono::milliseconds how_long) {
    pollfd readable{fd_, POLLIN, 0};
    int ready;
    do ready = ::poll(&readable, 1, static_cast<int>(how_long.count()));
    while (ready < 0 && errno == EINTR);
    return ready == 0;
  }

 private:
  [[noreturn]] static void fail(const char* what) {
    throw std::runtime_error(std::string("RawClient: ") + what + ": " + std::strerror(errno));
  }

  int fd_ = -1;
};

}  // namespace test_support
