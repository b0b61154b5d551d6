// The ceiling of the TLS echo benchmark (bench/tls.sh): tcp_echo.cpp with OpenSSL in front. One
// thread, epoll (level-triggered), nonblocking sockets handed to OpenSSL as they are (SSL_set_fd,
// no BIO pair), one shared 64 KiB read buffer. On readable: SSL_read everything that is there (or
// until the buffer is full), then one SSL_write of all of it. Only a short write keeps bytes per
// connection (and stops reading that connection until they are out).
//   tls_echo CERT KEY [PORT] [HOST]   PEM files; prints "listening on HOST:PORT" once ready (PORT 0: any)
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <unordered_map>
#include <vector>

namespace {

struct conn {
  SSL* ssl = nullptr;
  bool handshaken = false;
  std::uint32_t events = EPOLLIN;  // what epoll waits for on this socket
  std::vector<char> backlog;       // plaintext a short SSL_write left, written again as it is
};

std::unordered_map<int, conn> conns;
int ep = -1;

void drop(int fd) {
  const auto it = conns.find(fd);
  if (it != conns.end()) {
    SSL_free(it->second.ssl);
    conns.erase(it);
  }
  ERR_clear_error();
  close(fd);
}

void want(int fd, conn& c, std::uint32_t events) {
  if (c.events == events) return;
  c.events = events;
  epoll_event e{};
  e.events = events;
  e.data.fd = fd;
  epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

// SSL_write until all of it is taken or the socket is full (then the rest becomes the backlog and
// the connection waits for EPOLLOUT). False if the connection is gone.
bool write_all(int fd, conn& c, const char* p, std::size_t n) {
  std::size_t written = 0;
  while (written < n) {
    const int w = SSL_write(c.ssl, p + written, static_cast<int>(n - written));
    if (w > 0) {
      written += static_cast<std::size_t>(w);
      continue;
    }
    if (SSL_get_error(c.ssl, w) != SSL_ERROR_WANT_WRITE) return false;
    // Retried later with the same bytes (SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: from another address).
    if (p != c.backlog.data()) c.backlog.assign(p + written, p + n);
    else c.backlog.erase(c.backlog.begin(), c.backlog.begin() + static_cast<std::ptrdiff_t>(written));
    want(fd, c, EPOLLOUT);
    return true;
  }
  if (p == c.backlog.data()) c.backlog.clear();
  return true;
}

// Whatever the connection is waiting for became possible: handshake, backlog, then the echo.
void step(int fd, conn& c, char* buf, std::size_t cap) {
  if (!c.handshaken) {
    const int r = SSL_do_handshake(c.ssl);
    if (r != 1) {
      const int e = SSL_get_error(c.ssl, r);
      if (e == SSL_ERROR_WANT_READ) return want(fd, c, EPOLLIN);
      if (e == SSL_ERROR_WANT_WRITE) return want(fd, c, EPOLLOUT);
      return drop(fd);
    }
    c.handshaken = true;
    want(fd, c, EPOLLIN);
  }
  if (!c.backlog.empty()) {
    if (!write_all(fd, c, c.backlog.data(), c.backlog.size())) return drop(fd);
    if (!c.backlog.empty()) return;
    want(fd, c, EPOLLIN);  // and read on: SSL may hold decrypted bytes the socket no longer signals
  }
  for (;;) {
    std::size_t n = 0;
    int last = SSL_ERROR_NONE;
    while (n < cap) {
      const int r = SSL_read(c.ssl, buf + n, static_cast<int>(cap - n));
      if (r <= 0) {
        last = SSL_get_error(c.ssl, r);
        break;
      }
      n += static_cast<std::size_t>(r);
    }
    if (n != 0 && !write_all(fd, c, buf, n)) return drop(fd);
    if (!c.backlog.empty()) return;
    if (last == SSL_ERROR_NONE) continue;  // the buffer filled up: there may be more
    if (last == SSL_ERROR_WANT_READ) return want(fd, c, EPOLLIN);
    if (last == SSL_ERROR_WANT_WRITE) return want(fd, c, EPOLLOUT);  // a key update being sent
    return drop(fd);  // close_notify, EOF or an error
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: tls_echo CERT KEY [PORT] [HOST]\n");
    return 2;
  }
  const int port = argc > 3 ? std::atoi(argv[3]) : 9001;
  const char* host = argc > 4 ? argv[4] : "127.0.0.1";
  std::signal(SIGPIPE, SIG_IGN);

  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  // As websock's server context (src/net/tls.cpp): TLS 1.2 at least, no compression, no renegotiation.
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
    std::fprintf(stderr, "tls_echo: cannot use %s / %s\n", argv[1], argv[2]);
    ERR_print_errors_fp(stderr);
    return 1;
  }

  const int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 || bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(lfd, 4096) != 0) {
    std::perror("tls_echo: listen");
    return 1;
  }
  socklen_t len = sizeof addr;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::printf("listening on %s:%d\n", host, ntohs(addr.sin_port));
  std::fflush(stdout);

  ep = epoll_create1(0);
  epoll_event le{};
  le.events = EPOLLIN;
  le.data.fd = lfd;
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &le);

  std::vector<char> buf(64 * 1024);
  std::vector<epoll_event> events(1024);
  for (;;) {
    const int n = epoll_wait(ep, events.data(), static_cast<int>(events.size()), -1);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == lfd) {
        for (int c; (c = accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK)) >= 0;) {
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          SSL* ssl = SSL_new(ctx);
          if (ssl == nullptr || SSL_set_fd(ssl, c) != 1) {
            SSL_free(ssl);
            close(c);
            continue;
          }
          SSL_set_accept_state(ssl);
          conns[c].ssl = ssl;
          epoll_event ce{};
          ce.events = EPOLLIN;
          ce.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
        }
      } else if (const auto it = conns.find(fd); it != conns.end()) {
        step(fd, it->second, buf.data(), buf.size());
      }
    }
  }
}
