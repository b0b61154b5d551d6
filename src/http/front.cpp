#include "http/front.hpp"

#include "websock/core/handshake.hpp"
#include "websock/error.hpp"

namespace websock::http {
namespace {

std::atomic<std::uint64_t> next_front_id{1};

}  // namespace

front::front(std::shared_ptr<asio::io_context> ctx, net::any_stream stream, front_options options,
             std::shared_ptr<front_owner> owner)
    : ctx_holder_(std::move(ctx)),
      ctx_(*ctx_holder_),
      buffers_(net::loop_buffers::of(ctx_)),
      timers_(net::timer_queue::of(ctx_)),
      stream_(std::move(stream)),
      options_(options),
      owner_(std::move(owner)),
      id_(next_front_id.fetch_add(1, std::memory_order_relaxed)),
      parser_(core::http_kind::request, options.limits) {
  remote_ = net::remote_address(stream_);
  net::set_non_blocking(stream_);
}

front::~front() { timers_.disarm(slot_); }

void front::log(std::string_view text) {
  if (owner_) owner_->on_log(*this, text);
}

void front::start() {
  if (options_.handshake_timeout.count() > 0) timers_.arm(slot_, *this, timers_.now() + options_.handshake_timeout);
  if (auto* tls = std::get_if<net::tls_socket>(&stream_)) {
    tls->async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](std::error_code ec) {
      if (self->done_) return;
      if (ec) {
        self->log(self->remote_ + " TLS handshake failed: " + ec.message());
        return self->finish(ec);
      }
      self->read();
    });
    return;
  }
  read();
}

void front::read() {
  reading_ = true;
  if (auto* tls = std::get_if<net::tls_socket>(&stream_)) {
    std::byte* buf = buffers_.lease_tls();
    if (buf == nullptr) {
      tls_own_ = std::make_unique_for_overwrite<std::byte[]>(net::loop_buffers::tls_size);
      buf = tls_own_.get();
    }
    tls->async_read_some(asio::buffer(buf, net::loop_buffers::tls_size),
                         [self = shared_from_this(), buf](std::error_code ec, std::size_t n) {
                           self->reading_ = false;
                           self->on_bytes(ec, {buf, n});
                           self->buffers_.release_tls(buf);
                           self->tls_own_.reset();
                         });
    return;
  }
  net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code ec) {
    if (self->done_) return;
    if (ec) {
      self->reading_ = false;
      return self->finish(ec);
    }
    const std::span<std::byte> buf = self->buffers_.read_buffer();
    const std::size_t n = net::read_some_now(self->stream_, asio::buffer(buf.data(), buf.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::interrupted) {
      return self->read();
    }
    self->reading_ = false;
    self->on_bytes(ec, buf.first(n));
  });
}

void front::on_bytes(std::error_code ec, std::span<std::byte> data) {
  if (done_) return;
  if (ec) return finish(ec);
  auto self = shared_from_this();
  const std::size_t used = parser_.feed(data);
  if (parser_.error() != core::errc::ok) {
    const int status = core::rejection_status(parser_.error());
    return respond(core::reject_response(status, make_error_code(parser_.error()).message()));
  }
  if (!parser_.done()) return read();
  const auto& head = parser_.head();
  if (core::has_token(head.headers, "Upgrade", "websocket")) {
    owner_->on_upgrade(*this, head, data.subspan(used));
  } else {
    owner_->on_request(*this, head);
  }
}

void front::respond(std::string response) {
  if (done_ || answered_) return;
  answered_ = true;
  out_ = std::move(response);
  net::async_write(stream_, asio::buffer(out_), [self = shared_from_this()](std::error_code ec, std::size_t) {
    if (self->done_) return;
    // The answer is out: FIN, then close.
    if (!ec) net::shutdown_send(self->stream_);
    self->finish(ec);
  });
}

std::shared_ptr<runtime::channel> front::upgrade(const runtime::channel_options& options) {
  done_ = true;
  timers_.disarm(slot_);
  return std::make_shared<runtime::channel>(ctx_holder_, std::move(stream_), options);
}

void front::on_deadline() {
  if (done_) return;
  log(remote_ + " handshake timeout");
  finish(make_error_code(net_errc::handshake_timeout));
}

void front::abort() {
  asio::post(ctx_, [self = shared_from_this()] { self->finish(make_error_code(errc::stopped)); });
}

void front::finish(std::error_code) {
  if (done_) return;
  done_ = true;
  timers_.disarm(slot_);
  net::close(stream_);
  auto owner = std::move(owner_);
  if (owner) owner->on_front_closed(*this);
}

}  // namespace websock::http
