// The channel's timers on one slot of the loop's timer queue: client opening handshake, idle,
// keep-alive ping with dead-peer detection, close, and the trimming of buffers once quiet. Reads
// only stamp last_rx_; the slot fires at the earliest deadline, looks at the clock and re-arms, so
// busy connections pay nothing per message.
#include <algorithm>
#include <optional>

#include "channel/channel.hpp"
#include "websock/error.hpp"

namespace websock::runtime {
namespace {

bool on(std::chrono::milliseconds d) noexcept { return d.count() > 0; }

}  // namespace

void channel::arm_timer() {
  std::optional<clock::time_point> best;
  auto consider = [&best](clock::time_point t) {
    if (!best || t < *best) best = t;
  };
  switch (phase_) {
    case phase::handshake:
      if (on(limits_.handshake_timeout)) consider(started_ + limits_.handshake_timeout);
      break;
    case phase::open:
      if (trim_at_ != clock::time_point{}) consider(trim_at_);
      if (on(limits_.idle_timeout)) consider(last_rx_ + limits_.idle_timeout);
      if (on(limits_.ping_interval)) {
        if (keepalive_pong_) {
          consider(std::max(last_rx_, ping_sent_) + limits_.ping_interval);
        } else {
          consider(ping_outstanding_ ? ping_sent_ + limits_.ping_timeout : last_rx_ + limits_.ping_interval);
        }
      }
      break;
    case phase::closing:
      if (trim_at_ != clock::time_point{}) consider(trim_at_);
      if (on(limits_.close_timeout)) consider(closing_since_ + limits_.close_timeout);
      break;
    case phase::closed:
      break;
  }
  if (!best) return timers_.disarm(slot_);
  // A slot armed at or before this deadline looks again then and re-arms from there.
  if (slot_.armed() && slot_.at <= *best) return;
  timers_.arm(slot_, *this, *best);
}

void channel::on_deadline() {
  if (phase_ == phase::closed) return;
  auto self = shared_from_this();
  const auto now = timers_.now();
  in_handler_ = true;
  switch (phase_) {
    case phase::handshake:
      if (on(limits_.handshake_timeout) && now >= started_ + limits_.handshake_timeout) {
        log(remote_ + " handshake timeout");
        failure_ = make_error_code(net_errc::handshake_timeout);
        return finish(failure_);
      }
      break;
    case phase::open:
      if (trim_at_ != clock::time_point{} && now >= trim_at_) trim();
      if (on(limits_.idle_timeout) && now >= last_rx_ + limits_.idle_timeout) {
        close_on_loop(close_code::going_away, "idle timeout", make_error_code(net_errc::idle_timeout));
        break;
      }
      if (on(limits_.ping_interval) && keepalive_pong_) {
        // Silence both ways for an interval: an unsolicited pong, which asks for no answer.
        if (now >= std::max(last_rx_, ping_sent_) + limits_.ping_interval) {
          const std::size_t before = ws_.pending_output().size();
          if (ws_.send_pong() == core::errc::ok) account(before, 0);
          ping_sent_ = now;
        }
      } else if (on(limits_.ping_interval)) {
        if (ping_outstanding_ && last_rx_ >= ping_sent_) ping_outstanding_ = false;  // heard from it
        if (ping_outstanding_ && now >= ping_sent_ + limits_.ping_timeout) {
          // A dead peer: no close handshake is possible, so the owner sees 1006.
          failure_ = make_error_code(net_errc::ping_timeout);
          return finish(failure_);
        }
        if (!ping_outstanding_ && now >= last_rx_ + limits_.ping_interval) {
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
      if (trim_at_ != clock::time_point{} && now >= trim_at_) trim();
      if (on(limits_.close_timeout) && now >= closing_since_ + limits_.close_timeout) {
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

void channel::trim() {
  const auto now = timers_.now();
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
  ws_.release_idle_memory();  // a message buffer kept from the last assembled message
  if (pull_ && !reading_ && pull_->begin == pull_->end && !pull_->reader.has_remainder()) {
    pull_->in.reset();
    pull_->begin = pull_->end = 0;  // no offsets into a buffer that is gone
  }
  if (shared_ && shared_->pending.empty() && shared_->writing.empty()) shared_.reset();
  // Our spare buffer, then the core's empty outbox (swapped out for an empty one), are freed.
  write_buf_ = {};
  ws_.swap_output(write_buf_);
  write_buf_ = {};
}

}  // namespace websock::runtime
