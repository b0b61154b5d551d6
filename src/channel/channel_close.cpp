// The end of a channel: the close handshake (RFC 6455 7.1.1: the server closes TCP first, the
// client waits for it), TLS close_notify, and the one report of how it ended.
#include "channel/channel.hpp"

#include "websock/error.hpp"

namespace websock::runtime {

std::error_code channel::close_on_loop(std::uint16_t code, std::string_view reason, std::error_code why) {
  switch (phase_) {
    case phase::handshake:
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

void channel::enter_closing() {
  if (phase_ == phase::open) {
    phase_ = phase::closing;
    open_.store(false, std::memory_order_release);
  }
  if (closing_since_ == clock::time_point{}) {
    closing_since_ = timers_.now();
    arm_timer();
  }
}

void channel::begin_transport_close() {
  // FIN rather than close(): closing with unread input would send RST, which can destroy our
  // close frame in the peer's receive buffer. Reading goes on until the peer's FIN; the close
  // timer bounds the wait.
  transport_closing_ = true;
  if (closing_since_ == clock::time_point{}) closing_since_ = timers_.now();
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

void channel::shutdown_tls() {
  // Sends close_notify, then reads until the peer's close_notify or its FIN; the close timer
  // bounds the wait. Either way the connection is over.
  std::get<net::tls_socket>(stream_).async_shutdown([self = shared_from_this()](std::error_code) {
    self->finish({});
  });
}

void channel::finish(std::error_code why) {
  if (phase_ == phase::closed) return;
  const phase was = phase_;
  phase_ = phase::closed;
  open_.store(false, std::memory_order_release);
  finished_.store(true, std::memory_order_release);
  timers_.disarm(slot_);
  net::close(stream_);
  auto self = shared_from_this();
  if (pull_) end_pull(failure_ ? failure_ : (why ? why : make_error_code(asio::error::eof)));
  auto events = std::move(events_);  // after this report the owner hears nothing more
  events_.reset();
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
    if (events) events->on_closed(*this, info);
  } else if (events) {
    events->on_handshake_failed(*this, failure_ ? failure_ : (why ? why : make_error_code(asio::error::eof)),
                                close_.reason);
  }
}

}  // namespace websock::runtime
