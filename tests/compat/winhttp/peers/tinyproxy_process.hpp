// TinyproxyProcess: Debian's tinyproxy (/usr/bin/tinyproxy) as an HTTP CONNECT proxy on loopback,
// run in the foreground as a child process for the lifetime of one object.
//
//   #include "tinyproxy_process.hpp"
//   winhttp_test::TinyproxyProcess proxy({server_port});   // may CONNECT to server_port only
//   WinHttpOpen(..., WINHTTP_ACCESS_TYPE_NAMED_PROXY, proxy.address().c_str(), bypass, 0);
//   EXPECT_EQ(proxy.connects_to(server_port), 1u);
//
// TinyproxyProcess(std::vector<std::uint16_t> connect_ports)
//   Writes a configuration in a fresh temporary directory (Listen 127.0.0.1, a free Port, Allow
//   127.0.0.1, one ConnectPort line per entry, LogLevel Connect into a log file there), starts
//   `tinyproxy -d -c CONF` with posix_spawn (stdout and stderr to /dev/null) and polls a TCP
//   connect to its port, a bounded number of times, until it accepts. Throws std::runtime_error
//   if it cannot start, exits, or never accepts. tinyproxy allows CONNECT to every port when the
//   configuration has no ConnectPort line, so a proxy meant to refuse is given a port nobody uses.
// port(), address()  its port and L"127.0.0.1:PORT".
// connects_to(p)     how many "CONNECT 127.0.0.1:p" requests its log records so far.
// stop()             SIGKILL and reap; the destructor calls it and removes the directory.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace winhttp_test {

class TinyproxyProcess {
 public:
  static constexpr const char* program = "/usr/bin/tinyproxy";

  explicit TinyproxyProcess(const std::vector<std::uint16_t>& connect_ports) {
    char dir_template[] = "/tmp/winhttp-tinyproxy-XXXXXX";
    if (!::mkdtemp(dir_template)) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    log_ = dir_ + "/tinyproxy.log";
    port_ = free_port();
    const std::string conf = dir_ + "/tinyproxy.conf";
    {
      std::ofstream f(conf);
      f << "Port " << port_ << "\nListen 127.0.0.1\nTimeout 60\nAllow 127.0.0.1\nMaxClients 32\n"
        << "LogFile \"" << log_ << "\"\nLogLevel Connect\nDisableViaHeader Yes\n";
      for (auto p : connect_ports) f << "ConnectPort " << p << "\n";
    }
    std::vector<std::string> words{program, "-d", "-c", conf};
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const int spawned = ::posix_spawn(&pid_, program, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      pid_ = -1;
      cleanup();
      throw std::runtime_error("cannot start tinyproxy");
    }
    // Ready when its port accepts: up to 250 tries 20 ms apart (5 s), stopping early if it exits.
    for (int attempt = 0; attempt < 250; ++attempt) {
      if (accepts(port_)) return;
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        cleanup();
        throw std::runtime_error("tinyproxy exited before listening");
      }
      ::poll(nullptr, 0, 20);
    }
    stop();
    cleanup();
    throw std::runtime_error("tinyproxy did not accept connections");
  }

  TinyproxyProcess(const TinyproxyProcess&) = delete;
  TinyproxyProcess& operator=(const TinyproxyProcess&) = delete;
  ~TinyproxyProcess() {
    stop();
    cleanup();
  }

  std::uint16_t port() const { return port_; }
  std::wstring address() const { return L"127.0.0.1:" + std::to_wstring(port_); }

  std::size_t connects_to(std::uint16_t port) const {
    std::ifstream f(log_);
    std::stringstream text;
    text << f.rdbuf();
    const std::string log = text.str();
    const std::string needle = "CONNECT 127.0.0.1:" + std::to_string(port) + " ";
    std::size_t n = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1)) ++n;
    return n;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  static std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      if (fd >= 0) ::close(fd);
      throw std::runtime_error("no free port");
    }
    ::close(fd);
    return ntohs(a.sin_port);
  }

  static bool accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }

  void cleanup() {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  std::string dir_;
  std::string log_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace winhttp_test
