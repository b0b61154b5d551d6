// Pull mode: the owner asks for the next piece into its own buffer (WinHTTP's
// WinHttpWebSocketReceive, IIS's ReadFragment), and sends one piece at a time. The core's piece
// reader cuts messages to the owner's buffer; the channel holds the input while a piece of it is
// still owed, and reads only while a pull read is outstanding, so the owner's pace is the
// backpressure.
//
// Exactly-once: each outstanding read and write has one completion slot (a std::function, set
// only while outstanding). Completing moves it out first, so a completion that starts the next
// operation cannot complete the same one twice; finish() and pull_cancel() empty both slots.
#include <algorithm>

#include "channel/channel.hpp"
#include "websock/error.hpp"

namespace websock::runtime {

void channel::pull_read(std::span<std::byte> buffer, pull_read_done done) {
  if (!on_loop()) {
    asio::post(ctx_, [self = shared_from_this(), buffer, done = std::move(done)]() mutable {
      self->pull_read(buffer, std::move(done));
    });
    return;
  }
  pull_result refused;
  if (!pull_) {
    refused.error = std::make_error_code(std::errc::operation_not_supported);
  } else if (pull_->read_done) {
    refused.error = std::make_error_code(std::errc::operation_in_progress);
  } else if (buffer.empty()) {
    refused.error = std::make_error_code(std::errc::invalid_argument);
  } else if (phase_ == phase::closed || phase_ == phase::handshake || ws_.close_received() || ws_.failed()) {
    refused.error = make_error_code(errc::not_open);  // nothing more will arrive
  }
  if (refused.error) return done(refused);
  pull_->read_into = buffer;
  pull_->read_done = std::move(done);
  const bool outer = in_handler_;
  in_handler_ = true;
  pump_pull();
  in_handler_ = outer;
  if (!outer) after_io();
}

void channel::pull_write(core::message_kind kind, std::span<const std::byte> payload, bool last,
                         pull_write_done done) {
  if (!on_loop()) {
    std::vector<std::byte> copy(payload.begin(), payload.end());
    asio::post(ctx_, [self = shared_from_this(), kind, copy = std::move(copy), last, done = std::move(done)]() mutable {
      self->pull_write(kind, copy, last, std::move(done));
    });
    return;
  }
  std::error_code refused;
  if (!pull_) {
    refused = std::make_error_code(std::errc::operation_not_supported);
  } else if (pull_->write_done) {
    refused = std::make_error_code(std::errc::operation_in_progress);
  } else if (phase_ != phase::open && phase_ != phase::closing) {
    refused = make_error_code(errc::not_open);
  }
  if (refused) return done(refused);
  const std::size_t before = ws_.pending_output().size();
  if (const core::errc e = ws_.send_fragment(kind, payload, last); e != core::errc::ok) {
    return done(make_error_code(e));  // e.g. after our close: RFC 6455 5.5.1
  }
  account(before, 0);
  pull_->write_done = std::move(done);
  pull_->write_in_flush = flushes_ + 1;  // the next flush carries it (one may be in flight now)
  schedule_flush();
}

std::error_code channel::pull_write_now(core::message_kind kind, std::span<const std::byte> payload, bool last) {
  if (!pull_) return std::make_error_code(std::errc::operation_not_supported);
  if (phase_ != phase::open && phase_ != phase::closing) return make_error_code(errc::not_open);
  const std::size_t before = ws_.pending_output().size();
  if (const core::errc e = ws_.send_fragment(kind, payload, last); e != core::errc::ok) return make_error_code(e);
  account(before, 0);
  schedule_flush();
  return {};
}

void channel::pull_cancel() {
  if (!on_loop()) {
    asio::post(ctx_, [self = shared_from_this()] { self->pull_cancel(); });
    return;
  }
  if (!pull_) return;
  const auto aborted = std::make_error_code(std::errc::operation_canceled);
  if (pull_->read_done) {
    pull_result r;
    r.error = aborted;
    complete_read(r);
  }
  if (pull_->write_done) complete_write(aborted);
}

void channel::complete_read(const pull_result& r) {
  auto done = std::move(pull_->read_done);
  pull_->read_done = nullptr;
  pull_->read_into = {};
  done(r);
}

void channel::complete_write(std::error_code ec) {
  auto done = std::move(pull_->write_done);
  pull_->write_done = nullptr;
  done(ec);
}

void channel::end_pull(std::error_code why) {
  if (pull_->read_done) {
    pull_result r;
    r.error = why;
    complete_read(r);
  }
  if (pull_->write_done) complete_write(why);
}

void channel::pump_pull() {
  if (pull_->pumping) return;  // a completion asked again: the loop below serves it
  pull_->pumping = true;
  auto keep = shared_from_this();
  while (pull_->read_done && phase_ != phase::closed) {
    const std::span<std::byte> input{pull_->in.get() + pull_->begin, pull_->end - pull_->begin};
    const std::size_t before = ws_.pending_output().size();
    const core::piece_result r =
        pull_->reader.next(ws_, input, core::piece_buffer::copy_into(pull_->read_into));
    account(before, 0);  // automatic pongs and close replies
    pull_->begin += r.consumed;
    const core::piece& p = r.piece;
    pull_result out;
    switch (p.type) {
      case core::piece_type::need_input:
        // Everything is consumed and nothing is owed: the buffer goes until bytes arrive, unless
        // a read in flight is filling it (TLS reads start at once; a cancelled read's was left).
        pull_->begin = pull_->end = 0;
        if (!pull_->read_in_flight) pull_->in.reset();
        pull_->pumping = false;
        return;
      case core::piece_type::ping:
        continue;  // the core queued the pong (RFC 6455 5.5.2)
      case core::piece_type::pong:
        note_pong();
        continue;
      case core::piece_type::data:
        out.size = p.bytes.size();
        out.kind = p.kind;
        out.last = p.last;
        break;
      case core::piece_type::close:
        record_close(p.code, p.bytes);
        out.close = true;
        out.close_code = p.code;
        out.close_reason = close_.reason;
        break;
      case core::piece_type::error:
        record_failure(p.code, p.error);
        out.error = failure_;
        break;
    }
    complete_read(out);
  }
  pull_->pumping = false;
}

void channel::read_pull() {
  reading_ = true;
  auto on_bytes = [self = shared_from_this()](std::error_code ec, std::size_t n) {
    self->reading_ = false;
    self->pull_->read_in_flight = false;
    if (self->tls_shutdown_ && self->phase_ != phase::closed) return self->shutdown_tls();
    if (self->phase_ == phase::closed) return;
    if (ec) return self->finish(ec);
    if (n == 0) return self->after_io();
    self->last_rx_ = self->timers_.now();
    self->pull_->end += n;
    self->in_handler_ = true;
    self->pump_pull();
    self->in_handler_ = false;
    self->after_io();
  };
  auto start_read = [this, on_bytes]() mutable {
    // Reads start on used-up input, except once the peer's close came (only its end matters then).
    pull_->begin = pull_->end = 0;
    if (!pull_->in) pull_->in = std::make_unique_for_overwrite<std::byte[]>(pull_in_size);
    pull_->read_in_flight = true;
    net::async_read_some(stream_, asio::buffer(pull_->in.get(), pull_in_size), std::move(on_bytes));
  };
  if (net::is_tls(stream_)) return start_read();
  // Plain streams wait for readability first, so an idle connection holds no input buffer.
  net::async_wait_readable(stream_, [self = shared_from_this(), start_read](std::error_code ec) mutable {
    if (self->phase_ == phase::closed) {
      self->reading_ = false;
      return;
    }
    if (ec) {
      self->reading_ = false;
      return self->finish(ec);
    }
    start_read();
  });
}

}  // namespace websock::runtime
