#include "http/front.hpp"

#include <array>
#include <ctime>

#include "websock/core/log_escape.hpp"
#include "websock/error.hpp"

namespace websock::http {
namespace {

std::atomic<std::uint64_t> next_front_id{1};

std::string_view as_text(std::span<const std::byte> b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

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
      parser_(options.request_limits) {
  remote_ = net::remote_address(stream_);
  net::set_non_blocking(stream_);
}

front::~front() { timers_.disarm(slot_); }

void front::log(std::string_view text) {
  if (owner_) owner_->on_log(*this, text);
}

std::time_t front::wall_now() const noexcept { return std::time(nullptr); }

// ------------------------------------------------------------------ timers

void front::rearm() {
  std::chrono::milliseconds limit{0};
  switch (state_) {
    case state::tls:
      limit = options_.head_timeout;
      break;
    case state::reading:
      // A head under way (or the first request, which the opening of the connection started) is
      // bounded by head_timeout; silence between requests by keep_alive_timeout.
      limit = parser_.where() == phase::idle && served_one_ ? options_.keep_alive_timeout : options_.head_timeout;
      break;
    case state::writing:
      limit = options_.write_timeout;
      break;
    case state::lingering:
      limit = options_.linger_timeout;
      break;
    case state::answering:  // the owner's business
    case state::done:
      return timers_.disarm(slot_);
  }
  if (limit.count() <= 0) return timers_.disarm(slot_);
  timers_.arm(slot_, *this, since_ + limit);
}

void front::on_deadline() {
  auto self = shared_from_this();
  switch (state_) {
    case state::reading:
      // A started head, or a new connection that never sent one, gets its 408; a kept-alive
      // connection that went quiet between requests is closed without an answer.
      if (parser_.where() != phase::idle || !served_one_) {
        log(remote_ + " request timeout (408)");
        close_after_ = true;
        state_ = state::answering;  // the 408 is the last answer
        answer_queued_ = true;
        queue_write(write_error(request_timeout, wall_now()));
        return;
      }
      return finish(make_error_code(served_one_ ? net_errc::idle_timeout : net_errc::handshake_timeout));
    case state::tls:
      log(remote_ + " handshake timeout");
      return finish(make_error_code(net_errc::handshake_timeout));
    case state::writing:
      log(remote_ + " response stalled: closing");
      return finish(make_error_code(net_errc::idle_timeout));
    case state::lingering:
      return finish({});
    case state::answering:
    case state::done:
      return;
  }
}

// ------------------------------------------------------------------ reading

void front::start() {
  since_ = timers_.now();
  rearm();
  if (auto* tls = std::get_if<net::tls_socket>(&stream_)) {
    tls->async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](std::error_code ec) {
      self->tls_ticket_.release();
      if (self->state_ == state::done) return;
      if (ec) {
        // The reason is OpenSSL's text about what the peer sent: escaped like any peer bytes.
        self->log(self->remote_ + " TLS handshake failed: " + core::escape_for_log(ec.message()));
        return self->finish(ec);
      }
      self->state_ = state::reading;
      self->read();
    });
    return;
  }
  state_ = state::reading;
  read();
}

void front::read() {
  if (reading_) return;
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
                           if (ec) {
                             self->buffers_.release_tls(buf);
                             self->tls_own_.reset();
                             return self->finish(ec);
                           }
                           self->on_bytes({buf, n});
                           self->buffers_.release_tls(buf);
                           self->tls_own_.reset();
                         });
    return;
  }
  net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code ec) {
    if (self->state_ == state::done) return;
    if (ec) {
      self->reading_ = false;
      return self->finish(ec);
    }
    const std::span<std::byte> buf = self->buffers_.read_buffer();
    const std::size_t n = net::read_some_now(self->stream_, asio::buffer(buf.data(), buf.size()), ec);
    self->reading_ = false;
    if (ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::interrupted) {
      return self->read();
    }
    if (ec) return self->finish(ec);
    self->on_bytes(buf.first(n));
  });
}

void front::on_bytes(std::span<const std::byte> data) {
  if (state_ == state::done) return;
  auto self = shared_from_this();
  if (state_ == state::lingering) return read();  // discarded: only the peer's FIN matters now
  if (state_ != state::reading) return;            // a read that outlived a 408: closing anyway
  // The bytes are the loop's buffer (or the TLS lease): process() copies what must outlive this.
  process(as_text(data));
}

void front::process(std::string_view data) {
  const phase before = parser_.where();
  for (;;) {
    const event e = parser_.next(data);
    data.remove_prefix(e.consumed);
    switch (e.kind) {
      case event_kind::need_more:
        if (before == phase::idle && parser_.where() != phase::idle) {
          since_ = timers_.now();  // a new head began: head_timeout from here
        } else if (parser_.where() == phase::body) {
          since_ = timers_.now();  // a body is bounded by its progress
        }
        rearm();
        return read();
      case event_kind::head:
        if (parser_.current().expect_continue) queue_write(std::string(write_continue()));
        continue;
      case event_kind::body:
        body_.append(e.data);
        continue;
      case event_kind::end: {
        pending_.assign(data);  // pipelined bytes wait for this answer (invariant 1)
        state_ = state::answering;
        answer_queued_ = false;
        close_after_ = !parser_.current().keep_alive;
        rearm();
        std::string body = std::move(body_);
        body_.clear();
        owner_->on_request(*this, parser_.current(), std::move(body));
        return;
      }
      case event_kind::upgrade: {
        state_ = state::answering;
        answer_queued_ = false;
        close_after_ = true;  // a refused upgrade ends the connection
        rearm();
        const std::string early(data);
        owner_->on_upgrade(*this, parser_.current(),
                           {reinterpret_cast<const std::byte*>(early.data()), early.size()});
        return;
      }
      case event_kind::error:
        log(remote_ + " bad request (" + std::to_string(e.error.status) + "): " + std::string(e.error.text));
        state_ = state::answering;
        close_after_ = true;
        answer_queued_ = true;
        queue_write(write_error(e.error, wall_now()));
        return;
      case event_kind::stopped:
        return;
    }
  }
}

// ------------------------------------------------------------------ answering

void front::respond(answer a) {
  if (state_ != state::answering || answer_queued_) return;
  answer_queued_ = true;
  const reply_to to = reply_to::of(parser_.current());
  written_head head = write_head(a.head, to, wall_now());
  if (!head.ok) {
    // The owner's headers were refused (CR, LF, NUL or a writer-owned name): never on the wire.
    log(remote_ + " response refused: invalid header");
    response_head broken{.status = 500, .headers = {{"Content-Type", "text/plain; charset=utf-8"}},
                         .content_length = 22};
    head = write_head(broken, to, wall_now());
    a.body = "invalid response head\n";
    a.file.reset();
  }
  close_after_ = close_after_ || head.close_after;
  std::string bytes = std::move(head.bytes);
  if (head.send_body) {
    if (a.file && a.file->file) {
      file_ = std::move(a.file);
    } else {
      bytes += a.body;
    }
  }
  queue_write(std::move(bytes));
}

void front::respond_bytes(std::string response) {
  if (state_ != state::answering || answer_queued_) return;
  answer_queued_ = true;
  close_after_ = true;
  queue_write(std::move(response));
}

void front::queue_write(std::string bytes) {
  next_out_ += bytes;
  if (!writing_) write_next();
}

void front::write_next() {
  if (state_ == state::done) return;
  if (!next_out_.empty()) {
    out_.swap(next_out_);
    next_out_.clear();
  } else if (file_ && answer_queued_) {
    // The next piece of the file range, read now: the file is never held in memory whole.
    if (!file_buf_) file_buf_ = std::make_unique_for_overwrite<char[]>(file_piece);
    const std::size_t n = read_file_piece(*file_, {file_buf_.get(), file_piece});
    if (n == 0) {
      // The end of the range, or a read error: with the length promised, only closing is honest.
      const bool short_read = file_->remaining != 0;
      file_.reset();
      file_buf_.reset();
      if (short_read) return finish(std::make_error_code(std::errc::io_error));
      return answer_written();
    }
    out_.assign(file_buf_.get(), n);
  } else {
    if (answer_queued_ && state_ == state::answering) answer_written();
    return;
  }
  if (state_ == state::answering && answer_queued_) state_ = state::writing;
  writing_ = true;
  since_ = timers_.now();
  rearm();
  net::async_write(stream_, asio::buffer(out_), [self = shared_from_this()](std::error_code ec, std::size_t) {
    self->on_written(ec);
  });
}

void front::on_written(std::error_code ec) {
  writing_ = false;
  out_.clear();
  if (state_ == state::done) return;
  if (ec) return finish(ec);
  if (state_ == state::writing || state_ == state::answering) {
    if (!next_out_.empty() || (file_ && answer_queued_)) return write_next();
    if (answer_queued_) return answer_written();
  }
}

void front::answer_written() {
  std::string().swap(out_);
  if (close_after_) return begin_linger();
  // Keep-alive: the next request, from the bytes already here first.
  served_one_ = true;
  state_ = state::reading;
  answer_queued_ = false;
  since_ = timers_.now();
  rearm();
  std::string pending = std::move(pending_);
  pending_.clear();
  process(pending);
}

void front::begin_linger() {
  // FIN, then read until the peer's: closing with unread input (pipelined requests) would send
  // a reset that can destroy the answer in the peer's receive buffer.
  state_ = state::lingering;
  since_ = timers_.now();
  rearm();
  if (net::is_tls(stream_)) {
    // close_notify needs the stream to itself: with a read in flight (a 408 cut a head short),
    // closing is all that is left.
    if (reading_) return finish({});
    std::get<net::tls_socket>(stream_).async_shutdown([self = shared_from_this()](std::error_code) {
      self->finish({});
    });
    return;
  }
  net::shutdown_send(stream_);
  read();
}

std::shared_ptr<runtime::channel> front::upgrade(const runtime::channel_options& options) {
  if (state_ != state::answering) return nullptr;  // the peer left (or we aborted) meanwhile
  state_ = state::done;
  timers_.disarm(slot_);
  return std::make_shared<runtime::channel>(ctx_holder_, std::move(stream_), options);
}

void front::abort() {
  asio::post(ctx_, [self = shared_from_this()] { self->finish(make_error_code(errc::stopped)); });
}

void front::finish(std::error_code) {
  if (state_ == state::done) return;
  state_ = state::done;
  timers_.disarm(slot_);
  net::close(stream_);
  file_.reset();
  file_buf_.reset();
  auto owner = std::move(owner_);
  if (owner) owner->on_front_closed(*this);
}

}  // namespace websock::http
