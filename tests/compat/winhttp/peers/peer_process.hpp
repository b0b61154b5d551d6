// PeerProcess: runs peers/py_peer.py (the loopback WebSocket server of the WinHTTP tests) as a child
// process for the lifetime of one object.
//
//   #include "peer_process.hpp"
//   winhttp_test::PeerProcess peer;                                     // ws:// on a free port
//   winhttp_test::PeerProcess tls_peer({"--tls", cert_path, key_path}); // wss://
//   connect to 127.0.0.1:peer.port(), request /echo, /fault/404, ... (see py_peer.py's header)
//
// PeerProcess(std::vector<std::string> arguments = {}, std::chrono::milliseconds timeout = 20 s)
//   Starts `/usr/bin/python3 WINHTTP_PY_PEER arguments...` (posix_spawn; stdin and stdout are pipes,
//   stderr is the test's) and waits, with poll() on the stdout pipe, for its `listening on PORT` line.
//   Throws std::runtime_error if the child cannot be started, exits, prints anything else first, or
//   says nothing within `timeout`.
// port()  the port of that line (the peer listens on 127.0.0.1 only).
// pid()   the child's process id.
// stop()  kills the child (SIGKILL) and reaps it; later calls do nothing. The destructor calls it.
// Not copyable or movable: hold it as a local, a fixture member or in a std::optional.
//
// WINHTTP_PY_PEER is the absolute path of py_peer.py, set by tests/compat/winhttp/CMakeLists.txt
// (link the INTERFACE target winhttp_peers). Debian's python3-websockets is visible only to
// /usr/bin/python3, hence that path rather than whatever `python3` is first on PATH.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#ifndef WINHTTP_PY_PEER
#error "WINHTTP_PY_PEER (the path of py_peer.py) must be defined: link the winhttp_peers target"
#endif

extern char** environ;

namespace winhttp_test {

class PeerProcess {
 public:
  static constexpr const char* python = "/usr/bin/python3";

  explicit PeerProcess(std::vector<std::string> arguments = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    int to_child[2];
    int from_child[2];
    if (::pipe2(to_child, O_CLOEXEC) != 0) fail("pipe2");
    if (::pipe2(from_child, O_CLOEXEC) != 0) {
      const int error = errno;
      close_pair(to_child);
      errno = error;
      fail("pipe2");
    }
    stdin_ = to_child[1];
    stdout_ = from_child[0];

    std::vector<std::string> words{python, WINHTTP_PY_PEER};
    words.insert(words.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);

    // dup2 onto 0 and 1 clears O_CLOEXEC there; every other end of the pipes closes at exec.
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], STDOUT_FILENO);
    const int spawned = ::posix_spawn(&pid_, python, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    if (spawned != 0) {
      pid_ = -1;
      release_pipes();
      throw std::runtime_error(std::string("posix_spawn ") + python + ": " + std::strerror(spawned));
    }
    try {
      port_ = read_port(timeout);
    } catch (...) {
      stop();
      throw;
    }
  }

  ~PeerProcess() { stop(); }

  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  void stop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap();
    }
    release_pipes();
  }

 private:
  // Reads stdout until the first line, which must be "listening on PORT".
  std::uint16_t read_port(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) throw std::runtime_error("py_peer.py printed no 'listening on PORT' line in time");
      pollfd readable{stdout_, POLLIN, 0};
      const int ready = ::poll(&readable, 1, static_cast<int>(left.count()));
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) fail("poll");
      if (ready == 0) continue;  // the deadline check above ends the wait
      char chunk[256];
      const ssize_t got = ::read(stdout_, chunk, sizeof chunk);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) fail("read");
      if (got == 0) throw std::runtime_error("py_peer.py exited before listening (" + exit_description() + ")");
      line.append(chunk, static_cast<std::size_t>(got));
      if (const auto end = line.find('\n'); end != std::string::npos) return parse_port(line.substr(0, end));
      if (line.size() > 200) break;
    }
    throw std::runtime_error("py_peer.py printed an overlong first line");
  }

  static std::uint16_t parse_port(const std::string& line) {
    static constexpr std::string_view prefix = "listening on ";
    unsigned value = 0;
    const char* first = line.data() + prefix.size();
    const char* last = line.data() + line.size();
    if (line.rfind(prefix, 0) == 0) {
      const auto [end, error] = std::from_chars(first, last, value);
      if (error == std::errc{} && end == last && value > 0 && value < 65536) return static_cast<std::uint16_t>(value);
    }
    throw std::runtime_error("py_peer.py's first line is not 'listening on PORT'");
  }

  // Only after the child's stdout reached end of file: it has exited or is about to.
  std::string exit_description() {
    int status = 0;
    pid_t reaped;
    do reaped = ::waitpid(pid_, &status, 0);
    while (reaped < 0 && errno == EINTR);
    pid_ = -1;
    if (reaped < 0) return "not reaped";
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
    return "status " + std::to_string(status);
  }

  void reap() {
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
  }

  void release_pipes() {
    if (stdin_ >= 0) ::close(stdin_);
    if (stdout_ >= 0) ::close(stdout_);
    stdin_ = stdout_ = -1;
  }

  static void close_pair(int fds[2]) {
    ::close(fds[0]);
    ::close(fds[1]);
  }

  [[noreturn]] static void fail(const char* what) {
    throw std::runtime_error(std::string("PeerProcess: ") + what + ": " + std::strerror(errno));
  }

  pid_t pid_ = -1;
  int stdin_ = -1;   // the child's stdin: it exits at end of file, so it dies with this process
  int stdout_ = -1;  // the child's stdout: the listening line
  std::uint16_t port_ = 0;
};

}  // namespace winhttp_test
