// The session's timers, on one steady_timer: opening handshake, idle, keep-alive ping, close.
// Reads only stamp last_rx_; the timer wakes at the earliest possible deadline, looks at the
// clock and re-arms, so busy connections pay nothing per message.
#include <algorithm>

#include "api/session.hpp"
#include "websock/error.hpp"

namespace websock::detail {
namespace {

bool on(std::chrono::milliseconds d) noexcept { return d.count() > 0; }

}  // namespace

std::optional<session::clock::time_point> session::next_deadline() const noexcept {
  std::optional<clock::time_point> best;
  auto consider = [&best](clock::time_point t) {
    if (!best || t < *best) best = t;
  };
  switch (phase_) {
    case phase::handshake:
    case phase::http:
      if (on(options_.handshake_timeout)) consider(started_ + options_.handshake_timeout);
      break;
    case phase::open:
      if (trim_at_ != clock::time_point{}) consider(trim_at_);
      if (on(options_.idle_timeout)) consider(last_rx_ + options_.idle_timeout);
      if (on(options_.ping_interval)) {
        consider(ping_outstanding_ ? ping_sent_ + options_.ping_timeout : last_rx_ + options_.ping_interval);
      }
      break;
    case phase::closing:
      if (on(options_.close_timeout)) consider(closing_since_ + options_.close_timeout);
      break;
    case phase::closed:
      break;
  }
  return best;
}

void session::arm_timer() {
  const auto deadline = next_deadline();
  if (!deadline) return;
  // A wake-up at or before this deadline is already set: on_timer will re-arm from there.
  if (timer_armed_ && armed_for_ <= *deadline) return;
  timer_armed_ = true;
  armed_for_ = *deadline;
  timer_.expires_at(*deadline);  // cancels an earlier wait, whose handler sees operation_aborted
  timer_.async_wait([self = shared_from_this()](std::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    self->timer_armed_ = false;
    self->on_timer();
  });
}

void session::on_timer() {
  if (phase_ == phase::closed) return;
  const auto now = clock::now();
  in_handler_ = true;
  switch (phase_) {
    case phase::handshake:
    case phase::http:
      if (on(options_.handshake_timeout) && now >= started_ + options_.handshake_timeout) {
        log(log_level::info, remote_ + " handshake timeout");
        failure_ = make_error_code(net_errc::handshake_timeout);
        return finish(failure_);
      }
      break;
    case phase::open:
      if (trim_at_ != clock::time_point{} && now >= trim_at_) trim();
      if (on(options_.idle_timeout) && now >= last_rx_ + options_.idle_timeout) {
        close_on_loop(close_code::going_away, "idle timeout", make_error_code(net_errc::idle_timeout));
        break;
      }
      if (on(options_.ping_interval)) {
        if (ping_outstanding_ && last_rx_ >= ping_sent_) ping_outstanding_ = false;  // heard from it
        if (ping_outstanding_ && now >= ping_sent_ + options_.ping_timeout) {
          // A dead peer: no close handshake is possible, so the application sees 1006.
          failure_ = make_error_code(net_errc::ping_timeout);
          return finish(failure_);
        }
        if (!ping_outstanding_ && now >= last_rx_ + options_.ping_interval) {
          const std::size_t before = ws_.pending_output().size();
          if (ws_.send_ping() == core::errc::ok) {
            account(before, 0);
            ping_outstanding_ = true;
            ping_sent_ = now;
          }
        }
      }
      break;
    case phase::closing:
      if (on(options_.close_timeout) && now >= closing_since_ + options_.close_timeout) {
        if (!failure_ && !close_recorded_) failure_ = make_error_code(net_errc::close_timeout);
        return finish(make_error_code(net_errc::close_timeout));
      }
      break;
    case phase::closed:
      return;
  }
  in_handler_ = false;
  arm_timer();
  after_io();
}

void session::trim() {
  const auto now = clock::now();
  if (writing_ || ws_.has_output() || cooling_) {
    trim_at_ = now + trim_delay;  // still busy: look again later
    return;
  }
  if (hot_buf_) {
    if (now - last_rx_ < trim_delay) {  // still reading
      trim_at_ = last_rx_ + trim_delay;
      return;
    }
    quick_reads_ = 0;
    if (reading_) {
      // The read in flight holds the buffer: cancel it (no write is in flight to cancel with it);
      // read() frees the buffer once its handler ran.
      cooling_ = true;
      net::cancel(stream_);
    } else {
      hot_buf_.reset();
    }
  }
  trim_at_ = {};
  // Our spare buffer, then the core's empty outbox (swapped out for an empty one), are freed.
  write_buf_ = {};
  ws_.swap_output(write_buf_);
  write_buf_ = {};
}

}  // namespace websock::detail
