// `websock connect URL`: stdin lines become messages, received messages go to stdout, status to
// stderr. Exit 0 after a normal close, 1 with a one-line reason otherwise, 2 for a request that
// cannot be sent. What the server says cannot drive the user's terminal: messages are escaped
// when stdout is a terminal (raw through a pipe, for scripts), status lines always (they hold the
// server's close reason and must stay one line).
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <string>

#include "commands.hpp"
#include "websock/core/log_escape.hpp"
#include "websock/websock.hpp"

namespace cli {
namespace {

struct outcome {
  std::mutex mu;
  std::condition_variable cv;
  bool closed = false;
  bool drained = false;  // on_drain since the last refused send
  websock::close_info info;
};

// Sends one line. A full send buffer (the server reads slower than stdin comes) is waited out
// until it drains: no line is lost, and stdin is not read meanwhile, so the pipe slows the writer.
void send_line(const websock::connection& conn, bool binary, std::string_view line, outcome& result) {
  const auto data = std::span(reinterpret_cast<const std::byte*>(line.data()), line.size());
  for (;;) {
    {
      std::lock_guard lock(result.mu);
      result.drained = false;
    }
    const auto ec = conn.send(binary ? websock::message_kind::binary : websock::message_kind::text, data);
    if (ec != websock::errc::buffer_full) {
      if (ec && ec != websock::errc::not_open) std::fprintf(stderr, "websock: send failed: %s\n", ec.message().c_str());
      return;
    }
    std::unique_lock lock(result.mu);
    result.cv.wait(lock, [&] { return result.drained || result.closed; });
    if (result.closed) return;
  }
}

// Reads stdin until EOF or until the connection ends; each line is one message.
void pump_stdin(const websock::connection& conn, bool binary, std::atomic<bool>& stop, outcome& result) {
  std::string pending;
  char buf[65536];
  while (!stop) {
    pollfd p{STDIN_FILENO, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);  // wake up now and then to notice a close
    if (ready < 0) break;
    if (ready == 0) continue;
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t eol;
    while ((eol = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, eol);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pending.erase(0, eol + 1);
      send_line(conn, binary, line, result);
    }
  }
  if (!pending.empty()) send_line(conn, binary, pending, result);
}

// One status line on stderr; peer bytes in it are escaped.
void status(const std::string& text) {
  std::fprintf(stderr, "%s\n", websock::core::escape_for_terminal(text).c_str());
}

}  // namespace

int connect(const connect_args& a) {
  websock::client_options o;
  o.subprotocols = a.subprotocols;
  for (const auto& h : a.headers) {
    const auto colon = h.find(':');
    if (colon == std::string::npos || colon == 0) {
      status("websock: bad header '" + h + "' (want 'Name: value')");
      return 2;
    }
    std::string value = h.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    o.headers.push_back({h.substr(0, colon), value});
  }
  o.tls.verify = !a.insecure;
  o.tls.ca_file = a.ca_file;
  o.proxy = a.proxy;
  o.session.ping_interval = std::chrono::milliseconds(static_cast<long long>(a.ping_interval * 1000));
  o.session.deflate.enabled = a.deflate;

  outcome result;
  websock::client c(o);
  const bool terminal = ::isatty(STDOUT_FILENO) == 1;
  c.callbacks().on_message = [binary = a.binary, terminal](websock::connection&, const websock::message& m) {
    if (m.is_text() || binary) {
      const std::string_view data(reinterpret_cast<const char*>(m.data.data()), m.data.size());
      if (terminal) {
        const std::string shown = websock::core::escape_for_terminal(data);
        std::fwrite(shown.data(), 1, shown.size(), stdout);
      } else {
        std::fwrite(data.data(), 1, data.size(), stdout);
      }
      std::fputc('\n', stdout);
    } else {
      std::printf("<binary message, %zu bytes>\n", m.data.size());
    }
    std::fflush(stdout);
  };
  c.callbacks().on_drain = [&result](websock::connection&) {
    std::lock_guard lock(result.mu);
    result.drained = true;
    result.cv.notify_all();
  };
  c.callbacks().on_close = [&result](websock::connection&, const websock::close_info& info) {
    std::lock_guard lock(result.mu);
    result.closed = true;
    result.info = info;
    result.cv.notify_all();
  };

  websock::connection conn;
  std::string detail;
  if (const auto ec = c.connect_and_wait(a.url, conn, &detail)) {
    status("websock: " + (detail.empty() ? ec.message() : detail));
    // A header, subprotocol or URL the request cannot carry is a usage error, like a bad -H.
    const bool usage = ec.category() == websock::core::core_category() &&
                       websock::core::is_request_option_error(static_cast<websock::core::errc>(ec.value()));
    return usage ? 2 : 1;
  }
  status("connected to " + a.url + (conn.subprotocol().empty() ? "" : ", subprotocol " + conn.subprotocol()) +
         (conn.deflate() ? ", " + websock::core::describe(*conn.deflate()) : ""));

  std::atomic<bool> stop{false};
  std::thread input([&] {
    pump_stdin(conn, a.binary, stop, result);
    if (!stop) conn.close(websock::close_code::normal);  // end of input: say goodbye
  });
  {
    std::unique_lock lock(result.mu);
    result.cv.wait(lock, [&] { return result.closed; });
  }
  stop = true;
  input.join();
  const auto& i = result.info;
  const bool normal = (i.code == websock::close_code::normal || i.code == websock::close_code::going_away ||
                       i.code == websock::close_code::no_status) && !i.error;
  if (normal) return 0;
  std::string why = "connection closed: " + std::to_string(i.code);
  if (!i.reason.empty()) why += " " + i.reason;
  if (i.error) why += " (" + i.error.message() + ")";
  status("websock: " + why);
  return 1;
}

}  // namespace cli
