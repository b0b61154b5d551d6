// The open phase of a session: reads feed the core, its events reach the callbacks, its outbox
// leaves in one write per batch, and the transport is closed as RFC 6455 7.1.1 asks.
#include "api/session.hpp"

#include <algorithm>
#include <array>

#include "api/server_state.hpp"
#include "websock/error.hpp"

namespace websock::detail {
namespace {

std::atomic<std::uint64_t> next_id{1};

// A write buffer (or outbox) that grew past this for a big message is given back once written;
// below it, buffers stay while the connection is busy and trim() frees them once it is quiet.
constexpr std::size_t keep_write_capacity = 1024 * 1024;

}  // namespace

session::session(std::shared_ptr<asio::io_context> ctx, net::any_stream stream, core::role role,
                 const session_options& options)
    : ctx_holder_(std::move(ctx)),
      ctx_(*ctx_holder_),
      stream_(std::move(stream)),
      ws_(core::connection_options{.endpoint_role = role,
                                   .max_message_size = options.max_message_size,
                                   .keep_output_capacity = keep_write_capacity}),
      options_(options),
      id_(next_id.fetch_add(1, std::memory_order_relaxed)),
      buffers_(net::loop_buffers::of(ctx_)),
      timer_(ctx_) {
  remote_ = net::remote_address(stream_);
  net::set_no_delay(stream_);
  net::set_non_blocking(stream_);
}

session::~session() = default;

bool session::on_loop() const noexcept { return ctx_.get_executor().running_in_this_thread(); }

// ------------------------------------------------------------------ reading

bool session::want_read() const noexcept {
  switch (phase_) {
    case phase::handshake:
      // A client reads only once its request is out; a server from the start.
      return ws_.endpoint_role() == core::role::server || http_out_.empty();
    case phase::http:
    case phase::closed:
      return false;
    case phase::open:
    case phase::closing:
      if (tls_shutdown_) return false;  // the TLS shutdown reads the peer's close_notify itself
      // Backpressure: while our buffer is over half the limit we stop reading, so the peer's
      // requests (echoes, pings) cannot grow it further. TCP flow control then slows the peer.
      return transport_closing_ || buffered() <= options_.max_buffered_bytes / 2;
  }
  return false;
}

void session::read() {
  reading_ = true;
  if (auto* tls = std::get_if<net::tls_socket>(&stream_)) {
    // Bytes OpenSSL already holds would not make the socket readable: read them at once.
    if (net::tls_input_buffered(*tls)) return read_tls();
    net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code ec) {
      if (self->tls_shutdown_ && self->phase_ != phase::closed) {  // cancelled for the shutdown
        self->reading_ = false;
        return self->shutdown_tls();
      }
      if (self->phase_ == phase::closed || ec) {
        self->reading_ = false;
        if (ec) self->finish(ec);
        return;
      }
      self->read_tls();
    });
    return;
  }
  if (cooling_) {  // trim() cooled this connection while a read was in flight; that read is over
    cooling_ = false;
    hot_buf_.reset();
  }
  if (hot_buf_) {
    // A busy connection reads into its own buffer: Asio tries the read at once and waits only if
    // nothing is there, without re-registering the socket (a wait costs an epoll_ctl each time).
    return net::async_read_some(stream_, asio::buffer(hot_buf_.get(), hot_size),
                                [self = shared_from_this()](std::error_code ec, std::size_t n) {
                                  self->on_hot_read(ec, n);
                                });
  }
  net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code ec) { self->on_readable(ec); });
}

void session::on_hot_read(std::error_code ec, std::size_t n) {
  reading_ = false;
  if (ec == asio::error::operation_aborted && cooling_ && phase_ != phase::closed) return after_io();
  if (consume(ec, {hot_buf_.get(), n})) after_io();
}

void session::note_read() {
  // Reads in quick succession make a connection hot: it gets its own read buffer until it has
  // been quiet for trim_delay (trim() takes the buffer back).
  const auto now = clock::now();
  if (phase_ != phase::open || now - last_rx_ > hot_gap) {
    quick_reads_ = 0;
    return;
  }
  if (++quick_reads_ < hot_after) return;
  hot_buf_ = std::make_unique_for_overwrite<std::byte[]>(hot_size);
  if (trim_at_ == clock::time_point{}) {
    trim_at_ = now + trim_delay;
    arm_timer();
  }
}

void session::on_readable(std::error_code ec) {
  if (phase_ == phase::closed || ec) {
    reading_ = false;
    if (ec) finish(ec);
    return;
  }
  // The loop's buffer: the core consumes all of it before this handler returns.
  const std::span<std::byte> buf = buffers_.read_buffer();
  const std::size_t n = net::read_some_now(stream_, asio::buffer(buf.data(), buf.size()), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::interrupted) {
    return net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code e) { self->on_readable(e); });
  }
  reading_ = false;
  if (!ec && n != 0) note_read();
  if (consume(ec, buf.first(n))) after_io();
}

void session::read_tls() {
  // The loop's TLS buffer if no other pending read holds it, else one of our own for this read.
  std::byte* buf = buffers_.lease_tls();
  if (buf == nullptr) {
    tls_own_ = std::make_unique_for_overwrite<std::byte[]>(net::loop_buffers::tls_size);
    buf = tls_own_.get();
  }
  auto& tls = std::get<net::tls_socket>(stream_);
  tls.async_read_some(asio::buffer(buf, net::loop_buffers::tls_size),
                      [self = shared_from_this(), buf](std::error_code ec, std::size_t n) {
                        self->on_tls_read(ec, n, buf);
                      });
}

void session::on_tls_read(std::error_code ec, std::size_t n, std::byte* buffer) {
  reading_ = false;
  if (tls_shutdown_ && phase_ != phase::closed) {  // cancelled for the shutdown (or late bytes)
    buffers_.release_tls(buffer);
    tls_own_.reset();
    return shutdown_tls();
  }
  const bool go_on = consume(ec, {buffer, n});
  buffers_.release_tls(buffer);
  tls_own_.reset();
  if (go_on) after_io();
}

bool session::consume(std::error_code ec, std::span<std::byte> data) {
  if (phase_ == phase::closed) return false;
  if (ec) {
    finish(ec);
    return false;
  }
  in_handler_ = true;
  last_rx_ = clock::now();
  if (phase_ == phase::handshake) {
    if (ws_.endpoint_role() == core::role::server) {
      on_request_bytes(data);
    } else {
      on_response_bytes(data);
    }
  } else {
    on_frames(data);
  }
  in_handler_ = false;
  return phase_ != phase::closed;
}

void session::on_frames(std::span<std::byte> data) {
  connection handle(shared_from_this());
  for (;;) {
    const std::size_t before = ws_.pending_output().size();
    const core::receive_result r = ws_.receive(data);
    account(before, 0);  // automatic pongs and close replies
    data = data.subspan(r.consumed);
    const core::event& ev = r.ev;
    switch (ev.type) {
      case core::event_type::none:
        return;
      case core::event_type::message:
        if (handlers_->on_message) handlers_->on_message(handle, message{ev.kind, ev.payload});
        break;
      case core::event_type::ping:
        if (handlers_->on_ping) handlers_->on_ping(handle, ev.payload);
        break;
      case core::event_type::pong:
        ping_outstanding_ = false;
        if (handlers_->on_pong) handlers_->on_pong(handle, ev.payload);
        break;
      case core::event_type::close:
        // RFC 6455 5.5.1: the core queued our reply (if we had not sent a close yet).
        close_recorded_ = true;
        close_.code = ev.code;
        close_.reason.assign(ev.text());
        enter_closing();
        break;
      case core::event_type::error:
        // The core failed the connection and queued the close frame with ev.code (7.4.1).
        close_recorded_ = true;
        close_.code = ev.code;
        failure_ = make_error_code(ev.error);
        log(log_level::info, remote_ + " protocol error: " + failure_.message());
        enter_closing();
        break;
    }
    if (phase_ == phase::closed) return;  // the application aborted in a callback
  }
}

// ------------------------------------------------------------------ writing

void session::schedule_flush() {
  // Inside our handlers the flush happens at their end, so everything queued meanwhile shares
  // one write. Otherwise (a send from another connection's callback) post one flush.
  if (in_handler_ || flush_posted_) return;
  flush_posted_ = true;
  asio::post(ctx_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->after_io();
  });
}

void session::flush() {
  if (writing_ || phase_ == phase::closed) return;
  if (!ws_.has_output() && http_out_.empty()) return;
  // The outbox itself goes out: write_buf_ (empty, its capacity kept from the last write)
  // becomes the core's new outbox. http_out_ goes first in the same gather write.
  write_buf_.clear();
  if (ws_.has_output()) ws_.swap_output(write_buf_);
  write_counted_ = write_buf_.size();
  writing_ = true;
  const std::array<asio::const_buffer, 2> out{asio::buffer(http_out_),
                                              asio::buffer(write_buf_.data(), write_buf_.size())};
  net::async_write(stream_, out, [self = shared_from_this()](std::error_code ec, std::size_t) { self->on_write(ec); });
}

void session::on_write(std::error_code ec) {
  writing_ = false;
  buffered_.fetch_sub(write_counted_, std::memory_order_relaxed);
  write_counted_ = 0;
  if (!http_out_.empty()) std::string().swap(http_out_);  // written: give the memory back
  write_buf_.clear();
  write_buf_.release_if_larger(keep_write_capacity);
  if (phase_ == phase::closed) return;
  if (ec) return finish(ec);
  // A buffer kept for the next write is given back if the connection then goes quiet.
  if (write_buf_.capacity() > trim_keep && trim_at_ == clock::time_point{}) {
    trim_at_ = clock::now() + trim_delay;
    arm_timer();
  }
  in_handler_ = true;
  if (buffered() == 0 && want_drain_.exchange(false) && phase_ == phase::open && handlers_->on_drain) {
    connection handle(shared_from_this());
    handlers_->on_drain(handle);
  }
  in_handler_ = false;
  after_io();
}

void session::after_io() {
  if (phase_ == phase::closed) return;
  flush();
  if (phase_ == phase::closed) return;
  if (!writing_) {
    if (phase_ == phase::http && http_out_.empty()) {
      // The plain HTTP answer is out: FIN, then close.
      net::shutdown_send(stream_);
      return finish({});
    }
    // RFC 6455 7.1.1: once both closes crossed, the server closes TCP first.
    if (ws_.should_close_transport() && !transport_closing_) begin_transport_close();
  }
  if (!reading_ && want_read()) read();
}

void session::begin_transport_close() {
  // FIN rather than close(): closing with unread input would send RST, which can destroy our
  // close frame in the peer's receive buffer. Reading goes on until the peer's FIN; the close
  // timer bounds the wait.
  transport_closing_ = true;
  if (closing_since_ == clock::time_point{}) closing_since_ = clock::now();
  arm_timer();
  if (std::holds_alternative<net::tls_socket>(stream_)) {
    // TLS ends with close_notify before the FIN (RFC 8446 6.1), else the peer cannot tell our
    // end from a truncation. A read in flight is cancelled first: one TLS operation at a time.
    tls_shutdown_ = true;
    if (reading_) return net::cancel(stream_);
    return shutdown_tls();
  }
  net::shutdown_send(stream_);
}

void session::shutdown_tls() {
  // Sends close_notify, then reads until the peer's close_notify or its FIN; the close timer
  // bounds the wait. Either way the connection is over.
  std::get<net::tls_socket>(stream_).async_shutdown([self = shared_from_this()](std::error_code) {
    self->finish({});
  });
}

void session::enter_closing() {
  if (phase_ == phase::open) {
    phase_ = phase::closing;
    open_.store(false, std::memory_order_release);
  }
  if (closing_since_ == clock::time_point{}) {
    closing_since_ = clock::now();
    arm_timer();
  }
}

void session::finish(std::error_code why) {
  if (phase_ == phase::closed) return;
  const phase was = phase_;
  phase_ = phase::closed;
  open_.store(false, std::memory_order_release);
  finished_.store(true, std::memory_order_release);
  timer_.cancel();
  net::close(stream_);
  auto self = shared_from_this();
  if (was == phase::open || was == phase::closing) {
    close_info info;
    if (close_recorded_) {
      info = close_;
      info.error = failure_;
    } else {
      (void)ws_.transport_closed();  // 7.1.5: closed without a close frame
      info.code = close_code::abnormal;
      info.error = failure_ ? failure_ : why;
      if (!info.error) info.error = make_error_code(asio::error::eof);
    }
    if (handlers_ && handlers_->on_close) {
      connection handle(self);
      handlers_->on_close(handle, info);
    }
    log(log_level::debug, remote_ + " closed: " + std::to_string(info.code));
  } else if (client_done_) {
    auto done = std::move(client_done_);
    client_done_ = nullptr;
    done(failure_ ? failure_ : (why ? why : make_error_code(asio::error::eof)), close_.reason);
  }
  if (server_) server_->remove(id_);
}

// ------------------------------------------------------------------ becoming open

void session::become_open() {
  phase_ = phase::open;
  open_.store(true, std::memory_order_release);
  last_rx_ = clock::now();
  arm_timer();
  if (handlers_->on_open) {
    connection handle(shared_from_this());
    handlers_->on_open(handle);
  }
}

// ------------------------------------------------------------------ the public entry points

void session::account(std::size_t before_pending, std::size_t reserved) noexcept {
  const std::size_t now = ws_.pending_output().size();
  const std::size_t added = now >= before_pending ? now - before_pending : 0;
  if (added >= reserved) {
    buffered_.fetch_add(added - reserved, std::memory_order_relaxed);
  } else {
    buffered_.fetch_sub(reserved - added, std::memory_order_relaxed);
  }
}

bool session::reserve(std::size_t n) noexcept {
  std::size_t cur = buffered_.load(std::memory_order_relaxed);
  do {
    if (cur + n > options_.max_buffered_bytes) return false;
  } while (!buffered_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  return true;
}

std::error_code session::over_limit() {
  want_drain_.store(true, std::memory_order_relaxed);
  if (options_.on_buffer_full == backpressure_policy::close_connection) {
    if (on_loop()) {
      close_on_loop(close_code::policy_violation, "send buffer full");
    } else {
      asio::post(ctx_, [self = shared_from_this()] {
        self->close_on_loop(close_code::policy_violation, "send buffer full");
        self->after_io();
      });
    }
  }
  return make_error_code(errc::buffer_full);
}

std::error_code session::send(message_kind kind, std::span<const std::byte> payload) {
  if (!is_open()) return make_error_code(errc::not_open);
  if (on_loop()) return send_on_loop(kind, payload, 0);
  const bool masked = ws_.endpoint_role() == core::role::client;
  const std::size_t frame = core::header_size(payload.size(), masked) + payload.size();
  if (!reserve(frame)) return over_limit();
  std::vector<std::byte> copy(payload.begin(), payload.end());
  asio::post(ctx_, [self = shared_from_this(), kind, copy = std::move(copy), frame] {
    self->in_handler_ = true;
    self->send_on_loop(kind, copy, frame);
    self->in_handler_ = false;
    self->after_io();
  });
  return {};
}

std::error_code session::send_on_loop(message_kind kind, std::span<const std::byte> payload,
                                      std::size_t reserved) {
  if (phase_ != phase::open) {
    buffered_.fetch_sub(reserved, std::memory_order_relaxed);
    return make_error_code(errc::not_open);
  }
  if (reserved == 0) {
    const bool masked = ws_.endpoint_role() == core::role::client;
    const std::size_t frame = core::header_size(payload.size(), masked) + payload.size();
    if (buffered() + frame > options_.max_buffered_bytes) return over_limit();
  }
  const std::size_t before = ws_.pending_output().size();
  if (const core::errc e = ws_.send(kind, payload); e != core::errc::ok) {
    buffered_.fetch_sub(reserved, std::memory_order_relaxed);
    return make_error_code(e);
  }
  account(before, reserved);
  // Over half the limit: tell the application when it is empty again.
  if (buffered() > options_.max_buffered_bytes / 2) want_drain_.store(true, std::memory_order_relaxed);
  schedule_flush();
  return {};
}

std::error_code session::ping(std::span<const std::byte> payload) {
  if (payload.size() > core::max_control_payload) return make_error_code(core::errc::control_payload_too_long);
  if (!is_open()) return make_error_code(errc::not_open);
  auto run = [this](std::span<const std::byte> p) -> std::error_code {
    if (phase_ != phase::open) return make_error_code(errc::not_open);
    const std::size_t before = ws_.pending_output().size();
    if (const auto e = ws_.send_ping(p); e != core::errc::ok) return make_error_code(e);
    account(before, 0);
    schedule_flush();
    return {};
  };
  if (on_loop()) return run(payload);
  std::vector<std::byte> copy(payload.begin(), payload.end());
  asio::post(ctx_, [self = shared_from_this(), run, copy = std::move(copy)] {
    self->in_handler_ = true;
    run(copy);
    self->in_handler_ = false;
    self->after_io();
  });
  return {};
}

std::error_code session::close(std::uint16_t code, std::string_view reason) {
  if (const auto e = core::connection::check_close_to_send(code, reason); e != core::errc::ok) {
    return make_error_code(e);
  }
  if (!is_open()) return make_error_code(errc::not_open);
  if (on_loop()) {
    auto e = close_on_loop(code, reason);
    schedule_flush();
    return e;
  }
  asio::post(ctx_, [self = shared_from_this(), code, r = std::string(reason)] {
    self->in_handler_ = true;
    self->close_on_loop(code, r);
    self->in_handler_ = false;
    self->after_io();
  });
  return {};
}

std::error_code session::close_on_loop(std::uint16_t code, std::string_view reason, std::error_code why) {
  switch (phase_) {
    case phase::handshake:
    case phase::http:
      finish(why ? why : make_error_code(errc::stopped));
      return {};
    case phase::closed:
      return make_error_code(errc::not_open);
    case phase::open:
    case phase::closing:
      break;
  }
  if (ws_.close_sent() || ws_.failed()) return {};
  const std::size_t before = ws_.pending_output().size();
  if (const auto e = ws_.send_close(code, reason); e != core::errc::ok) return make_error_code(e);
  account(before, 0);
  if (why && !failure_) failure_ = why;
  enter_closing();
  return {};
}

void session::shutdown(std::uint16_t code, std::string reason) {
  if (finished_.load(std::memory_order_acquire)) return;
  asio::post(ctx_, [self = shared_from_this(), code, r = std::move(reason)] {
    self->in_handler_ = true;
    self->close_on_loop(code, r);
    self->in_handler_ = false;
    self->after_io();
  });
}

void session::abort() {
  if (finished_.load(std::memory_order_acquire)) return;
  if (on_loop()) return finish(make_error_code(errc::stopped));
  asio::post(ctx_, [self = shared_from_this()] { self->finish(make_error_code(errc::stopped)); });
}

void session::set_user_data(std::shared_ptr<void> data) {
  std::lock_guard lock(user_mu_);
  user_data_ = std::move(data);
}

std::shared_ptr<void> session::user_data() {
  std::lock_guard lock(user_mu_);
  return user_data_;
}

void session::log(log_level level, const std::string& text) const {
  if (server_) server_->log(level, text);
}

}  // namespace websock::detail
