// A pull-mode echo server: how a face (WinHTTP, IIS) stands on the runtime.
//
//   pull_echo PORT [CONNECTIONS]
//
// Listens on 127.0.0.1:PORT (0: any free port) and prints "listening on 127.0.0.1:PORT". Each
// connection goes through the HTTP front, is upgraded by the core's server handshake, and becomes
// a channel in pull mode. The echo then asks for one piece at a time into its own 4 KiB buffer and
// writes each piece straight back (fragment for fragment, `last` kept), asking for the next piece
// only once the write completed: the owner's pace is the backpressure, nothing is buffered here.
// With CONNECTIONS, exits 0 once that many connections have closed.
#include <array>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>

#include "channel/channel.hpp"
#include "http/front.hpp"
#include "net/listener.hpp"
#include "websock/core/handshake.hpp"

using namespace websock;

namespace {

// How many connections ended; main() waits on it.
struct tally {
  std::mutex mu;
  std::condition_variable cv;
  unsigned closed = 0;
  void one_closed() {
    std::lock_guard lock(mu);
    ++closed;
    cv.notify_all();
  }
};

// One upgraded connection. Everything here runs on the channel's loop, completions included.
class echo final : public runtime::channel_events, public std::enable_shared_from_this<echo> {
 public:
  echo(std::shared_ptr<runtime::channel> ch, tally& t) : ch_(std::move(ch)), tally_(t) {}

  // The next piece of the peer's message, into our buffer. It may complete inline.
  void read_next() {
    ch_->pull_read(buffer_, [self = shared_from_this()](const runtime::pull_result& r) { self->on_piece(r); });
  }

  void on_closed(runtime::channel&, const close_info&) override {
    ch_.reset();  // the channel holds us until now; we let go of it too
    tally_.one_closed();
  }

 private:
  void on_piece(const runtime::pull_result& r) {
    // An error (connection lost, protocol error): on_closed follows. The peer's close: the channel
    // already queued the reply and closes TCP after it (RFC 6455 7.1.1). Either way, stop reading.
    if (r.error || r.close) return;
    // Echo the piece as it came. pull_write copies it into the outbox, so the buffer could be
    // reused at once; we still wait for the write, so one slow peer cannot grow our memory.
    ch_->pull_write(r.kind, std::span(buffer_).first(r.size), r.last,
                    [self = shared_from_this()](std::error_code ec) {
                      if (!ec) self->read_next();
                    });
  }

  std::shared_ptr<runtime::channel> ch_;
  tally& tally_;
  std::array<std::byte, 4096> buffer_;
};

// The HTTP front's owner: every request that is not an upgrade gets a 404; an upgrade is decided
// by the core's server handshake (any target, no subprotocol), then handed to a pull channel.
class upgrader final : public http::front_owner {
 public:
  explicit upgrader(tally& t) : tally_(t) {}

  void on_request(http::front& f, const http::request&, std::string) override {
    f.respond({.head = {.status = 404}});
  }

  void on_upgrade(http::front& f, const http::request& req, std::span<const std::byte> early) override {
    core::http_head head;
    head.method = req.method;
    head.target = req.target;
    head.version_minor = req.version_minor;
    head.headers = req.headers;
    core::server_handshake hs;
    hs.decide(head);
    if (!hs.accepted()) return f.respond_bytes(hs.response());  // a 400/426 the handshake wrote for us
    // Big messages are fine: they arrive and leave 4 KiB at a time.
    runtime::channel_options options{core::role::server, {}, runtime::channel_mode::pull};
    auto ch = f.upgrade(options);
    auto e = std::make_shared<echo>(ch, tally_);
    // Writes the 101; frames that came with the request head (`early`) are the first pieces.
    ch->start_server(e, hs.response(), hs.request().target, hs.request().headers, hs.chosen().subprotocol, early);
    e->read_next();
  }

 private:
  tally& tally_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PORT [CONNECTIONS]\n", argv[0]);
    return 2;
  }
  const auto port = static_cast<std::uint16_t>(std::atoi(argv[1]));
  const unsigned connections = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0;

  tally t;
  net::workers loops(1);  // one loop thread; a front and its channel live on the loop that accepted
  auto owner = std::make_shared<upgrader>(t);
  std::error_code ec;
  auto l = net::listener::open_tcp(
      loops, "127.0.0.1", port,
      [&loops, owner](net::any_stream s, asio::io_context& ctx, net::admission_ticket) {  // no admission set
        // On the socket's loop: the front reads the request and calls the owner.
        auto f = std::make_shared<http::front>(loops.share(ctx), std::move(s), http::front_options{}, owner);
        f->start();
      },
      ec);
  if (!l) {
    std::fprintf(stderr, "pull_echo: cannot listen on 127.0.0.1:%u: %s\n", port, ec.message().c_str());
    return 1;
  }
  loops.start();
  l->start();
  std::printf("listening on 127.0.0.1:%u\n", l->port());
  std::fflush(stdout);

  {
    std::unique_lock lock(t.mu);
    t.cv.wait(lock, [&] { return connections != 0 && t.closed >= connections; });
  }
  l->close();
  loops.release();  // the loops return once their last connection is gone
  loops.join();
  return 0;
}
