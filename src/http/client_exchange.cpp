#include "http/client_exchange.hpp"

#include <algorithm>
#include <future>
#include <mutex>
#include <thread>

#include <openssl/crypto.h>

#include "net/tls.hpp"
#include "net/workers.hpp"
#include "websock/error.hpp"

namespace websock::http {
namespace {

constexpr std::size_t read_size = 16 * 1024;

// Interim responses (RFC 9110 15.2) other than 101 come before the final one.
bool is_interim(int status) noexcept { return status >= 100 && status < 200 && status != 101; }

// OpenSSL frees its global locks in an atexit handler, but the client loop's threads below are never
// joined: at exit one may still be freeing a TLS stream, on a lock already destroyed (TSan: data
// race in CRYPTO_THREAD_lock_free, winhttp_wine_scenarios_test over wss). So OpenSSL is asked not
// to clean up at exit; the process is ending anyway. Only the first initialisation can ask that,
// hence at static initialisation.
[[maybe_unused]] const bool openssl_keeps_its_globals_at_exit =
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr) == 1;

}  // namespace

std::shared_ptr<asio::io_context> client_loop() {
  // Never destroyed: handles may outlive main's locals, and the threads end with the process.
  static net::workers* pool = [] {
    auto* w = new net::workers(std::max(2u, std::thread::hardware_concurrency()));
    w->start();
    return w;
  }();
  return pool->share(pool->next());
}

std::shared_ptr<client_exchange> client_exchange::create() {
  return std::shared_ptr<client_exchange>(new client_exchange(client_loop()));
}

client_exchange::client_exchange(std::shared_ptr<asio::io_context> ctx)
    : ctx_(std::move(ctx)), timers_(net::timer_queue::of(*ctx_)) {}

client_exchange::~client_exchange() {
  // The last handle may go on any thread; an armed slot is only ever armed on the loop, where
  // the completions that hold us run, so by now it is disarmed.
  timers_.disarm(slot_);
}

bool client_exchange::on_loop() const noexcept { return ctx_->get_executor().running_in_this_thread(); }

void client_exchange::post(std::function<void()> f) {
  asio::post(*ctx_, [self = shared_from_this(), f = std::move(f)] { f(); });
}

std::error_code client_exchange::begin_step() {
  if (step_ != step::none) return std::make_error_code(std::errc::operation_in_progress);
  if (spent_) return std::make_error_code(std::errc::operation_canceled);
  return {};
}

void client_exchange::arm(std::chrono::milliseconds timeout) {
  if (timeout.count() > 0) timers_.arm(slot_, *this, timers_.now() + timeout);
}

void client_exchange::complete(std::error_code ec, std::size_t n) {
  if (step_ == step::none) return;
  step_ = step::none;
  timers_.disarm(slot_);
  auto done = std::move(done_);
  done_ = nullptr;
  if (ec && ec != std::errc::operation_in_progress) {
    spent_ = true;
    if (stream_) net::close(*stream_);
  }
  done(ec, n);
}

void client_exchange::on_deadline() {
  auto self = shared_from_this();
  if (stream_) net::close(*stream_);  // the operation in flight ends with operation_aborted
  complete(make_error_code(net_errc::handshake_timeout));
}

void client_exchange::cancel() {
  post([this] {
    spent_ = true;
    if (stream_) net::close(*stream_);
    complete(std::make_error_code(std::errc::operation_canceled));
  });
}

// ------------------------------------------------------------------ connect

void client_exchange::connect(client_target target, connect_fn done) {
  post([this, target = std::move(target), done = std::move(done)]() mutable {
    if (auto ec = begin_step()) return done(ec, {});
    if (stream_) return done(std::make_error_code(std::errc::already_connected), {});
    step_ = step::connect;
    auto report = std::make_shared<connect_report>();
    done_ = [done = std::move(done), report](std::error_code ec, std::size_t) { done(ec, *report); };
    net::connect_request req;
    req.host = target.host;
    req.port = target.port;
    req.tls_policy = target.verify;
    req.proxy_host = target.proxy_host;
    req.proxy_port = target.proxy_port;
    req.timeout = target.connect_timeout;
    if (target.tls) {
      std::error_code ec;
      req.tls = net::make_client_context({}, ec);
      if (ec) {
        report->detail = "TLS set-up failed";
        return complete(ec);
      }
    }
    net::async_connect(*ctx_, std::move(req),
                       [self = shared_from_this(), report](std::error_code ec, net::any_stream* s,
                                                          const net::connect_failure& why) {
                         if (self->step_ != step::connect) return;  // cancelled meanwhile
                         if (ec) {
                           report->detail = why.detail;
                           report->tls_failures = why.tls_failures;
                           return self->complete(ec);
                         }
                         self->stream_.emplace(std::move(*s));
                         report->remote = net::remote_address(*self->stream_);
                         self->complete({});
                       });
  });
}

// ------------------------------------------------------------------ request

void client_exchange::send(std::string head, std::vector<std::byte> body, std::chrono::milliseconds timeout,
                           done_fn done) {
  post([this, head = std::move(head), body = std::move(body), timeout, done = std::move(done)]() mutable {
    if (auto ec = begin_step()) return done(ec);
    if (!stream_) return done(std::make_error_code(std::errc::not_connected));
    step_ = step::send;
    done_ = [done = std::move(done)](std::error_code ec, std::size_t) { done(ec); };
    out_head_ = std::move(head);
    out_body_ = std::move(body);
    arm(timeout);
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(out_head_), asio::buffer(out_body_)};
    net::async_write(*stream_, buffers, [self = shared_from_this()](std::error_code ec, std::size_t) {
      if (self->step_ != step::send) return;
      self->complete(ec);
    });
  });
}

// ------------------------------------------------------------------ response head

void client_exchange::receive_head(std::string method, std::chrono::milliseconds timeout, done_fn done) {
  post([this, method = std::move(method), timeout, done = std::move(done)]() mutable {
    if (auto ec = begin_step()) return done(ec);
    if (!stream_) return done(std::make_error_code(std::errc::not_connected));
    step_ = step::head;
    done_ = [done = std::move(done)](std::error_code ec, std::size_t) { done(ec); };
    method_ = std::move(method);
    parser_.emplace(core::http_kind::response);
    arm(timeout);
    on_head_bytes({}, 0);  // bytes already here (none, or what an interim response left)
  });
}

void client_exchange::on_head_bytes(std::error_code ec, std::size_t n) {
  if (step_ != step::head) return;
  if (ec) return complete(ec);
  (void)n;
  while (in_begin_ < in_.size()) {
    const std::span<const std::byte> data{in_.data() + in_begin_, in_.size() - in_begin_};
    in_begin_ += parser_->feed(data);
    if (!parser_->done()) break;
    if (parser_->error() != core::errc::ok) return complete(make_error_code(parser_->error()));
    if (is_interim(parser_->head().status)) {
      parser_.emplace(core::http_kind::response);
      continue;
    }
    head_ = parser_->head();
    parser_.reset();
    // The body's framing (RFC 9112 6.3); a 101 has none: what follows is the new protocol's.
    if (head_.status != 101) {
      const auto f = decide_response_framing(method_, head_);
      if (f.error != core::errc::ok) return complete(make_error_code(f.error));
      body_.emplace(f.framing, f.length);
    }
    return complete({});
  }
  if (eof_) return complete(make_error_code(asio::error::eof));
  read_more();
}

void client_exchange::read_more() {
  // Used-up input goes first, so the buffer holds at most one read beyond what is owed.
  if (in_begin_ == in_.size()) {
    in_.clear();
    in_begin_ = 0;
  }
  const std::size_t old = in_.size();
  in_.resize(old + read_size);
  net::async_read_some(*stream_, asio::buffer(in_.data() + old, read_size),
                       [self = shared_from_this(), old](std::error_code ec, std::size_t n) {
                         self->in_.resize(old + n);
                         if (ec == asio::error::eof) {
                           self->eof_ = true;
                           ec = {};
                         }
                         if (self->step_ == step::head) return self->on_head_bytes(ec, n);
                         if (self->step_ == step::body) return self->on_body_bytes(ec, n);
                       });
}

// ------------------------------------------------------------------ response body

bool client_exchange::body_done() const noexcept { return !body_ || body_->done(); }

void client_exchange::read_body(std::span<std::byte> out, std::chrono::milliseconds timeout, read_fn done) {
  post([this, out, timeout, done = std::move(done)]() mutable {
    if (auto ec = begin_step()) return done(ec, 0);
    if (!body_) return done(std::make_error_code(std::errc::not_connected), 0);
    step_ = step::body;
    done_ = std::move(done);
    body_out_ = out;
    arm(timeout);
    deliver_body();
  });
}

void client_exchange::deliver_body() {
  for (;;) {
    if (body_->done() || body_out_.empty()) return complete({}, 0);
    const auto r = body_->decode({in_.data() + in_begin_, in_.size() - in_begin_}, body_out_);
    in_begin_ += r.consumed;
    if (body_->error() != core::errc::ok) return complete(make_error_code(body_->error()));
    if (r.produced > 0) return complete({}, r.produced);
    if (body_->done()) return complete({}, 0);
    if (in_begin_ < in_.size()) continue;  // framing bytes only: go on with what is left
    if (eof_) {
      body_->end_of_input();
      if (body_->error() != core::errc::ok) return complete(make_error_code(body_->error()));
      return complete({}, 0);
    }
    return read_more();
  }
}

void client_exchange::on_body_bytes(std::error_code ec, std::size_t) {
  if (ec) return complete(ec);
  deliver_body();
}

// ------------------------------------------------------------------ upgrade

std::shared_ptr<runtime::channel> client_exchange::upgrade(const runtime::channel_options& options,
                                                           std::shared_ptr<runtime::channel_events> events,
                                                           std::string target, std::string subprotocol) {
  // Called while no step is outstanding (after receive_head completed), so nothing on the loop
  // touches the stream or the input now; the hand-over itself runs on the loop.
  if (spent_ || !stream_ || step_ != step::none || head_.status != 101) return nullptr;
  spent_ = true;
  auto ch = std::make_shared<runtime::channel>(ctx_, std::move(*stream_), options);
  stream_.reset();
  std::vector<std::byte> early(in_.begin() + static_cast<std::ptrdiff_t>(in_begin_), in_.end());
  in_.clear();
  in_begin_ = 0;
  // The channel is open when this returns, so the owner's first call (a close, say) finds it so.
  auto start = [&] {
    ch->start_client_upgraded(std::move(events), std::move(target), head_.headers, std::move(subprotocol), early);
  };
  if (on_loop()) {
    start();
  } else {
    std::promise<void> started;
    asio::post(*ctx_, [&] {
      start();
      started.set_value();
    });
    started.get_future().wait();
  }
  return ch;
}

}  // namespace websock::http
