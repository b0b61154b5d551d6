#include "websocket.hpp"

#include <cstring>

#include "close_handle.hpp"
#include "websock/core/close.hpp"
#include "websock/core/connection.hpp"

namespace websock::winhttp {
namespace {

constexpr std::size_t drain_size = 4096;

// Keep-alive (rule 53): WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE is the least a program may ask.
constexpr DWORD min_keepalive = WINHTTP_WEB_SOCKET_MIN_KEEPALIVE_VALUE;

WINHTTP_WEB_SOCKET_BUFFER_TYPE type_of(core::message_kind kind, bool last) {
  if (kind == core::message_kind::text) {
    return last ? WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
  }
  return last ? WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE : WINHTTP_WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
}

// What the channel tells us besides pull completions: nothing we need (pull reads report the
// peer's close and every failure), so the events object is empty.
class quiet_events final : public runtime::channel_events {};

// A close reason as Shutdown and Close take it (rule 48).
DWORD check_reason(USHORT status, const void* reason, DWORD length) {
  if (length > WINHTTP_WEB_SOCKET_MAX_CLOSE_REASON_LENGTH || (!reason && length > 0)) return ERROR_INVALID_PARAMETER;
  const std::string_view text(static_cast<const char*>(reason), reason ? length : 0);
  if (core::connection::check_close_to_send(status, text) != core::errc::ok) return ERROR_INVALID_PARAMETER;
  return ERROR_SUCCESS;
}

}  // namespace

struct websocket::read_waiter {
  sync_wait done;
  DWORD bytes = 0;
  WINHTTP_WEB_SOCKET_BUFFER_TYPE type = WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
};

bool websocket::open(const std::shared_ptr<request>& r, const std::string& subprotocol, DWORD_PTR ctx) {
  inherit(r);
  context = ctx;
  close_timeout_ms_ = limits.ws_close;
  send_buffer_ = r->ws_send_buffer;
  keepalive_ms_ = limits.ws_keepalive;
  runtime::channel_options o;
  o.role = core::role::client;
  o.mode = runtime::channel_mode::pull;
  o.keepalive_pong = true;
  o.limits.handshake_timeout = std::chrono::milliseconds(0);  // the exchange did the handshake
  o.limits.close_timeout = std::chrono::milliseconds(close_timeout_ms_);
  o.limits.ping_interval = std::chrono::milliseconds(keepalive_ms_);
  // WinHTTP hands messages out in pieces of the caller's buffer, so no size limit applies beyond
  // what its DWORD lengths can carry.
  o.limits.max_message_size = ~std::uint64_t{0} >> 1;
  ch_ = r->exchange->upgrade(o, std::make_shared<quiet_events>(), r->target, subprotocol);
  return ch_ != nullptr;  // null: the exchange was cancelled meanwhile (the request closed)
}

DWORD websocket::error_of(const std::error_code& ec) const {
  if (ec == std::errc::operation_canceled) return ERROR_WINHTTP_OPERATION_CANCELLED;
  return error_from(ec);
}

void websocket::report_error(WINHTTP_WEB_SOCKET_OPERATION op, DWORD error) {
  WINHTTP_WEB_SOCKET_ASYNC_RESULT result{};
  result.AsyncResult.dwResult = 0;  // Windows-tested for websocket operations (rule 49)
  result.AsyncResult.dwError = error;
  result.Operation = op;
  notify(*this, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &result, sizeof result);
}

// ------------------------------------------------------------------ send

DWORD websocket::send(WINHTTP_WEB_SOCKET_BUFFER_TYPE buffer_type, const void* data, DWORD size) {
  if (buffer_type > WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE) return ERROR_INVALID_PARAMETER;  // CLOSE: use Close
  if (!data && size > 0) return ERROR_INVALID_PARAMETER;
  const bool utf8 = buffer_type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || buffer_type == WINHTTP_WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE;
  const bool last = buffer_type == WINHTTP_WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE || buffer_type == WINHTTP_WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE;
  std::shared_ptr<sync_wait> wait;
  {
    std::lock_guard lock(mu);
    if (send_pending_ || close_pending_ || send_closed_ || closed_ || close_received_) return ERROR_INVALID_OPERATION;
    // Rule 37: a fragmented message goes on in its own kind.
    if ((sending_ == open_message::binary && utf8) || (sending_ == open_message::utf8 && !utf8)) {
      return ERROR_INVALID_PARAMETER;
    }
    sending_ = last ? open_message::none : (utf8 ? open_message::utf8 : open_message::binary);
    send_pending_ = true;
    if (!async) wait = std::make_shared<sync_wait>();
  }
  const std::span<const std::byte> payload(static_cast<const std::byte*>(data), size);
  const core::message_kind kind = utf8 ? core::message_kind::text : core::message_kind::binary;
  // While the connection buffers at most the send buffer size (WINHTTP_OPTION_WEB_SOCKET_SEND_
  // BUFFER_SIZE), a send is copied into its outbox and complete at once: WRITE_COMPLETE comes on
  // the calling thread before Send returns, as Windows does (rule 38, W3). Beyond that the send
  // stays pending until its bytes reach the kernel, so one slow server costs at most the buffer
  // plus one message.
  bool buffered = false;
  std::error_code buffered_error;
  auto self = shared_from_this();
  ch_->run_on_loop_and_wait([&] {
    if (ch_->buffered() <= send_buffer_) {
      buffered = true;
      buffered_error = ch_->pull_write_now(kind, payload, last);
      return;
    }
    ch_->pull_write(kind, payload, last, [self, wait, buffer_type, size](std::error_code ec) {
      const DWORD error = self->closed.load() && ec ? ERROR_WINHTTP_OPERATION_CANCELLED : self->error_of(ec);
      {
        std::lock_guard lock(self->mu);
        self->send_pending_ = false;
      }
      if (wait) return wait->finish(error);
      if (error != ERROR_SUCCESS) return self->report_error(WINHTTP_WEB_SOCKET_SEND_OPERATION, error);
      WINHTTP_WEB_SOCKET_STATUS status{size, buffer_type};
      notify(*self, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, &status, sizeof status);
    });
  });
  if (!buffered) return wait ? wait->wait() : ERROR_SUCCESS;
  {
    std::lock_guard lock(mu);
    send_pending_ = false;
  }
  // A failure here is the connection's (it is gone): reported by the return value, as a
  // synchronous failure would be, with no callback.
  if (buffered_error) return error_of(buffered_error);
  if (async) {
    WINHTTP_WEB_SOCKET_STATUS status{size, buffer_type};
    notify(*this, WINHTTP_CALLBACK_STATUS_WRITE_COMPLETE, &status, sizeof status);
  }
  return ERROR_SUCCESS;
}

// ------------------------------------------------------------------ receive

DWORD websocket::receive(void* buffer, DWORD size, DWORD* bytes_read, WINHTTP_WEB_SOCKET_BUFFER_TYPE* buffer_type) {
  if (!buffer || size == 0) return ERROR_INVALID_PARAMETER;
  if (!async && (!bytes_read || !buffer_type)) return ERROR_INVALID_PARAMETER;
  std::shared_ptr<read_waiter> wait;
  std::uint64_t token;
  {
    std::lock_guard lock(mu);
    if (receive_pending_ || close_pending_ || closed_ || close_received_) return ERROR_INVALID_OPERATION;
    receive_pending_ = true;
    receive_cancelled_by_close_ = false;
    token = ++receive_token_;
    if (!async) wait = std::make_shared<read_waiter>();
  }
  read_for_receive(buffer, size, token, wait);
  if (!wait) return ERROR_SUCCESS;  // rule 39: the results come with READ_COMPLETE only
  const DWORD error = wait->done.wait();
  if (error == ERROR_SUCCESS) {
    *bytes_read = wait->bytes;
    *buffer_type = wait->type;
  }
  return error;
}

void websocket::read_for_receive(void* buffer, DWORD size, std::uint64_t token, std::shared_ptr<read_waiter> wait) {
  auto self = shared_from_this();
  ch_->pull_read({static_cast<std::byte*>(buffer), size}, [self, token, wait](const runtime::pull_result& r) {
    self->on_receive(token, r, wait);
  });
}

void websocket::on_receive(std::uint64_t token, const runtime::pull_result& r, std::shared_ptr<read_waiter> wait) {
  DWORD error = ERROR_SUCCESS;
  WINHTTP_WEB_SOCKET_STATUS status{};
  {
    std::lock_guard lock(mu);
    if (!receive_pending_ || token != receive_token_) return;
    receive_pending_ = false;
    if (r.error) {
      error = (receive_cancelled_by_close_ || closed.load()) ? ERROR_WINHTTP_OPERATION_CANCELLED : error_of(r.error);
      // Close reports the cancelled receive itself, on its own thread (rule 49).
      if (receive_cancelled_by_close_ && async) return;
    } else if (r.close) {
      close_received_ = true;
      close_status_ = r.close_code;
      close_reason_.assign(r.close_reason);
      status = {0, WINHTTP_WEB_SOCKET_CLOSE_BUFFER_TYPE};  // rule 42: no bytes
    } else {
      status = {static_cast<DWORD>(r.size), type_of(r.kind, r.last)};
    }
    receive_cancelled_by_close_ = false;
  }
  if (wait) {
    wait->bytes = status.dwBytesTransferred;
    wait->type = status.eBufferType;
    return wait->done.finish(error);
  }
  if (error != ERROR_SUCCESS) return report_error(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, error);
  notify(*this, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, &status, sizeof status);
}

// ------------------------------------------------------------------ shutdown and close

DWORD websocket::shutdown(USHORT status, const void* reason, DWORD length) {
  if (const DWORD e = check_reason(status, reason, length); e != ERROR_SUCCESS) return e;
  {
    std::lock_guard lock(mu);
    if (send_closed_ || closed_ || send_pending_ || close_pending_) return ERROR_INVALID_OPERATION;  // rule 46
    if (ch_->finished()) return ERROR_WINHTTP_CONNECTION_ERROR;
    send_closed_ = true;
  }
  // The frame is queued behind anything sent before; receiving goes on.
  (void)ch_->close(status, std::string_view(static_cast<const char*>(reason), reason ? length : 0));
  // Completed here, on the calling thread, as Windows does (spec 4.4): NO_ERROR, and for an
  // asynchronous handle SHUTDOWN_COMPLETE before returning.
  if (async) notify(*this, WINHTTP_CALLBACK_STATUS_SHUTDOWN_COMPLETE, nullptr, 0);
  return ERROR_SUCCESS;
}

DWORD websocket::close(USHORT status, const void* reason, DWORD length) {
  if (const DWORD e = check_reason(status, reason, length); e != ERROR_SUCCESS) return e;
  bool cancel_receive = false;
  bool already_received = false;
  bool send_frame = false;
  std::shared_ptr<sync_wait> wait;
  {
    std::lock_guard lock(mu);
    if (closed_ || close_pending_ || send_pending_) return ERROR_INVALID_OPERATION;  // rule 50
    close_pending_ = true;
    send_frame = !send_closed_;
    send_closed_ = true;
    cancel_receive = receive_pending_;
    if (cancel_receive) receive_cancelled_by_close_ = true;
    already_received = close_received_;
    if (!async) wait = close_wait_ = std::make_shared<sync_wait>();
  }
  if (cancel_receive) {
    // Rule 49: the pending receive ends first. The channel drops it on its loop (so it writes no
    // more into the caller's buffer), then, for an asynchronous handle, its REQUEST_ERROR comes
    // here on the calling thread, before Close returns.
    ch_->run_on_loop_and_wait([this] { ch_->pull_cancel(); });
    bool cancelled;
    {
      std::lock_guard lock(mu);
      cancelled = receive_cancelled_by_close_ && !receive_pending_;  // not beaten by a completion
      receive_cancelled_by_close_ = false;
      already_received = close_received_;
    }
    if (cancelled && async) report_error(WINHTTP_WEB_SOCKET_RECEIVE_OPERATION, ERROR_WINHTTP_OPERATION_CANCELLED);
  }
  if (send_frame && !ch_->finished()) {
    (void)ch_->close(status, std::string_view(static_cast<const char*>(reason), reason ? length : 0));
  }
  if (already_received) {
    // The server's close came with a receive; ours answered it (spec 4.5): nothing to wait for,
    // and CLOSE_COMPLETE comes here, on the calling thread (W12).
    end_close(ERROR_SUCCESS);
  } else {
    ch_->run_on_loop([self = shared_from_this()] { self->drain_for_close(); });
  }
  return wait ? wait->wait() : ERROR_SUCCESS;
}

void websocket::drain_for_close() {
  // Data frames that arrive before the server's close are dropped (spec 4.5); the channel's close
  // timeout bounds the wait.
  if (!drain_buf_) drain_buf_ = std::make_unique_for_overwrite<std::byte[]>(drain_size);
  ch_->pull_read({drain_buf_.get(), drain_size}, [self = shared_from_this()](const runtime::pull_result& r) {
    self->on_drain(r);
  });
}

void websocket::on_drain(const runtime::pull_result& r) {
  if (r.error) {
    if (closed.load()) return end_close(ERROR_WINHTTP_OPERATION_CANCELLED);
    return end_close(error_of(r.error));
  }
  if (!r.close) return drain_for_close();
  {
    std::lock_guard lock(mu);
    close_received_ = true;
    close_status_ = r.close_code;
    close_reason_.assign(r.close_reason);
  }
  end_close(ERROR_SUCCESS);
}

void websocket::end_close(DWORD error) {
  std::shared_ptr<sync_wait> wait;
  {
    std::lock_guard lock(mu);
    if (!close_pending_) return;
    close_pending_ = false;
    closed_ = true;
    wait = std::move(close_wait_);
  }
  if (wait) return wait->finish(error);
  if (error != ERROR_SUCCESS) return report_error(WINHTTP_WEB_SOCKET_CLOSE_OPERATION, error);
  notify(*this, WINHTTP_CALLBACK_STATUS_CLOSE_COMPLETE, nullptr, 0);  // NULL, 0: Windows-tested
}

DWORD websocket::query_close_status(USHORT* status, void* reason, DWORD length, DWORD* consumed) {
  if (!status || !consumed || (!reason && length > 0)) return ERROR_INVALID_PARAMETER;
  std::lock_guard lock(mu);
  if (!close_received_) return ERROR_INVALID_OPERATION;  // rule 44: nothing written
  const DWORD needed = static_cast<DWORD>(close_reason_.size());
  if (length < needed) {
    *consumed = needed;
    return ERROR_INSUFFICIENT_BUFFER;  // rule 45
  }
  *status = close_status_;
  if (needed > 0) std::memcpy(reason, close_reason_.data(), needed);
  *consumed = needed;
  return ERROR_SUCCESS;
}

void websocket::close_handle() {
  auto self = shared_from_this();
  auto finish = [self] {
    // On the loop: completions of the channel run here too, so none is halfway through. The
    // pending operations complete now, seeing `closed`, as cancelled; then the connection goes
    // and HANDLE_CLOSING is the last word.
    self->ch_->pull_cancel();
    self->end_close(ERROR_WINHTTP_OPERATION_CANCELLED);
    self->ch_->abort();
    notify_closing(*self);
  };
  if (async || ch_->on_loop()) return ch_->run_on_loop(finish);
  ch_->run_on_loop_and_wait(finish);
}

// ------------------------------------------------------------------ options

DWORD websocket::set_close_timeout(DWORD ms) {
  DWORD keep;
  {
    std::lock_guard lock(mu);
    close_timeout_ms_ = ms;
    keep = keepalive_ms_;
  }
  ch_->set_timers(std::chrono::milliseconds(ms), std::chrono::milliseconds(keep));
  return ERROR_SUCCESS;
}

DWORD websocket::set_keepalive(DWORD ms) {
  if (ms < min_keepalive) return ERROR_INVALID_PARAMETER;  // rule 53
  DWORD close_ms;
  {
    std::lock_guard lock(mu);
    keepalive_ms_ = ms;
    close_ms = close_timeout_ms_;
  }
  ch_->set_timers(std::chrono::milliseconds(close_ms), std::chrono::milliseconds(ms));
  return ERROR_SUCCESS;
}

DWORD websocket::close_timeout() const {
  std::lock_guard lock(mu);
  return close_timeout_ms_;
}

DWORD websocket::keepalive() const {
  std::lock_guard lock(mu);
  return keepalive_ms_;
}

void close_websocket(const std::shared_ptr<object>& ws) { std::static_pointer_cast<websocket>(ws)->close_handle(); }

}  // namespace websock::winhttp
