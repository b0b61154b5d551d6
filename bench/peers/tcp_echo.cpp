// The ceiling of the whole-stack echo benchmark: a plain TCP echo server, one thread, epoll
// (level-triggered), one shared 64 KiB read buffer, so an idle connection costs only its socket.
// Whatever a read returns is written straight back; only a short write keeps bytes per connection
// (and stops reading that connection until they are out).
//   tcp_echo [PORT] [HOST]   prints "listening on HOST:PORT" once ready (PORT 0: any free one)
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <unordered_map>
#include <vector>

namespace {

struct backlog {
  std::vector<char> bytes;  // written back later (the socket's send buffer was full)
};

std::unordered_map<int, backlog> pending;
int ep = -1;

void drop(int fd) {
  pending.erase(fd);
  close(fd);
}

// Writes as much as the socket takes; returns false if the connection is gone.
bool write_some(int fd, const char* p, std::size_t n, std::size_t& written) {
  written = 0;
  while (written < n) {
    const ssize_t w = send(fd, p + written, n - written, MSG_NOSIGNAL);
    if (w > 0) {
      written += static_cast<std::size_t>(w);
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else {
      return w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
  }
  return true;
}

void want(int fd, std::uint32_t events) {
  epoll_event e{};
  e.events = events;
  e.data.fd = fd;
  epoll_ctl(ep, EPOLL_CTL_MOD, fd, &e);
}

void on_readable(int fd, char* buf, std::size_t cap) {
  const ssize_t n = recv(fd, buf, cap, 0);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return drop(fd);
  if (n < 0) return;
  std::size_t written = 0;
  if (!write_some(fd, buf, static_cast<std::size_t>(n), written)) return drop(fd);
  if (written < static_cast<std::size_t>(n)) {
    pending[fd].bytes.assign(buf + written, buf + n);
    want(fd, EPOLLOUT);
  }
}

void on_writable(int fd) {
  auto& b = pending[fd].bytes;
  std::size_t written = 0;
  if (!write_some(fd, b.data(), b.size(), written)) return drop(fd);
  b.erase(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(written));
  if (b.empty()) {
    pending.erase(fd);
    want(fd, EPOLLIN);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 9001;
  const char* host = argc > 2 ? argv[2] : "127.0.0.1";
  std::signal(SIGPIPE, SIG_IGN);

  const int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1 || bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(lfd, 4096) != 0) {
    std::perror("tcp_echo: listen");
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
          epoll_event ce{};
          ce.events = EPOLLIN;
          ce.data.fd = c;
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
        }
      } else if (events[i].events & EPOLLOUT) {
        on_writable(fd);
      } else if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        on_readable(fd, buf.data(), buf.size());
      }
    }
  }
}
