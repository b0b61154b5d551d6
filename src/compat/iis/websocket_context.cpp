#include "websocket_context.hpp"

#include <condition_variable>

#include "compat/win32/wide_string.hpp"
#include "errors.hpp"
#include "http_context.hpp"
#include "websock/core/connection.hpp"

namespace websock::iis {
namespace {

// A send the outbox takes at once, while it holds at most this much, completes inline (as IIS
// completes a write it could buffer); beyond it the write waits for the kernel to take the bytes.
constexpr std::size_t inline_write_limit = 64 * 1024;

}  // namespace

struct websocket_context::operation {
  enum class kind : unsigned char { read, write, close } what = kind::read;
  bool sync = false;            // fAsync = FALSE: the caller waits for the result
  bool inline_allowed = false;  // asynchronous with a pfCompletionExpected to say "done"
  PFN_WEBSOCKET_COMPLETION callback = nullptr;
  VOID* context = nullptr;
  // Set on the loop.
  bool in_call = true;          // the call's turn on the loop is not over
  bool inline_done = false;     // completed during it: the call reports the result
  HRESULT hr = S_OK;
  DWORD bytes = 0;
  BOOL utf8 = FALSE;
  BOOL final_fragment = FALSE;
  BOOL close = FALSE;
  // A synchronous call waits here when the result comes after its turn.
  std::mutex m;
  std::condition_variable cv;
  bool signalled = false;
};

void websocket_context::complete(const std::shared_ptr<operation>& op) {
  {
    std::lock_guard lock(mu_);
    if (read_ == op) read_.reset();  // free before the callback, which may issue the next one
    if (write_ == op) write_.reset();
    if (op->in_call && (op->sync || op->inline_allowed)) {
      op->inline_done = true;
      return;
    }
    if (!op->sync && ended_) return;  // the request is done: no callback (rule 66)
  }
  if (op->sync) {
    std::lock_guard lock(op->m);
    op->signalled = true;
    op->cv.notify_all();
    return;
  }
  if (auto request = request_.lock()) {
    request->run_callback([op] {
      op->callback(op->hr, op->context, op->bytes, op->utf8, op->final_fragment, op->close);
    });
  }
}

HRESULT websocket_context::finish_call(operation& op, BOOL* completion_expected) {
  if (op.inline_done) {
    if (completion_expected) *completion_expected = FALSE;
    return op.hr;
  }
  if (op.sync) {
    std::unique_lock lock(op.m);
    op.cv.wait(lock, [&] { return op.signalled; });
    return op.hr;
  }
  if (completion_expected) *completion_expected = TRUE;
  return S_OK;
}

HRESULT websocket_context::ReadFragment(VOID* data, DWORD* size, BOOL async, BOOL* utf8, BOOL* final_fragment,
                                        BOOL* close, PFN_WEBSOCKET_COMPLETION callback, VOID* context,
                                        BOOL* completion_expected) {
  if (!data || !size || *size == 0 || !utf8 || !final_fragment || !close) return E_INVALIDARG;
  if (async && !callback) return E_INVALIDARG;
  auto op = std::make_shared<operation>();
  op->what = operation::kind::read;
  op->sync = !async;
  op->inline_allowed = async && completion_expected;
  op->callback = callback;
  op->context = context;
  {
    std::lock_guard lock(mu_);
    if (ended_ || close_received_ || read_) return hr_wrong_state;  // rule 61: one read at a time
    read_ = op;
  }
  auto self = shared_from_this();
  const std::span<std::byte> buffer(static_cast<std::byte*>(data), *size);
  ch_->run_on_loop_and_wait([&] {
    ch_->pull_read(buffer, [self, op](const runtime::pull_result& r) {
      op->hr = r.error ? hresult_from(r.error, self->dropped_.load()) : S_OK;
      op->bytes = static_cast<DWORD>(r.size);
      op->utf8 = r.kind == core::message_kind::text;
      op->final_fragment = r.last;
      if (!r.error && r.close) {
        // Rule 62: the read ends with fClose; GetCloseStatus has the rest.
        std::lock_guard lock(self->mu_);
        self->close_received_ = true;
        self->close_status_ = r.close_code == 0 ? USHORT{1005} : r.close_code;
        self->close_reason_ = win32::to_wide(r.close_reason);
        op->close = TRUE;
        op->utf8 = FALSE;
        op->final_fragment = FALSE;
        op->bytes = 0;
      }
      self->complete(op);
    });
    op->in_call = false;
  });
  const HRESULT hr = finish_call(*op, completion_expected);
  if (op->inline_done || op->sync) {
    *size = op->bytes;
    *utf8 = op->utf8;
    *final_fragment = op->final_fragment;
    *close = op->close;
  }
  return hr;
}

HRESULT websocket_context::WriteFragment(VOID* data, DWORD* size, BOOL async, BOOL utf8, BOOL final_fragment,
                                         PFN_WEBSOCKET_COMPLETION callback, VOID* context,
                                         BOOL* completion_expected) {
  if (!size || (!data && *size > 0)) return E_INVALIDARG;
  if (async && !callback) return E_INVALIDARG;
  auto op = std::make_shared<operation>();
  op->what = operation::kind::write;
  op->sync = !async;
  op->inline_allowed = async && completion_expected;
  op->callback = callback;
  op->context = context;
  op->utf8 = utf8 ? TRUE : FALSE;
  op->final_fragment = final_fragment ? TRUE : FALSE;
  const DWORD n = *size;
  {
    std::lock_guard lock(mu_);
    if (ended_ || close_sent_ || write_) return hr_wrong_state;  // rule 61: one write at a time
    // The fragments of one message keep its kind.
    if ((sending_ == sending::text && !utf8) || (sending_ == sending::binary && utf8)) return E_INVALIDARG;
    sending_ = final_fragment ? sending::none : (utf8 ? sending::text : sending::binary);
    write_ = op;
  }
  auto self = shared_from_this();
  const auto kind = utf8 ? core::message_kind::text : core::message_kind::binary;
  const std::span<const std::byte> payload(static_cast<const std::byte*>(data), n);
  ch_->run_on_loop_and_wait([&] {
    const auto done = [self, op, n](std::error_code ec) {
      op->hr = ec ? hresult_from(ec, self->dropped_.load()) : S_OK;
      op->bytes = ec ? 0 : n;
      self->complete(op);
    };
    if (ch_->buffered() <= inline_write_limit) {
      done(ch_->pull_write_now(kind, payload, final_fragment != FALSE));
    } else {
      ch_->pull_write(kind, payload, final_fragment != FALSE, done);
    }
    op->in_call = false;
  });
  const HRESULT hr = finish_call(*op, completion_expected);
  if (op->inline_done || op->sync) *size = op->bytes;
  return hr;
}

HRESULT websocket_context::SendConnectionClose(BOOL async, USHORT status, LPCWSTR reason,
                                               PFN_WEBSOCKET_COMPLETION callback, VOID* context,
                                               BOOL* completion_expected) {
  if (async && !callback) return E_INVALIDARG;
  const std::string text = win32::to_utf8(reason);  // NULL: no reason
  // Rule 63's status by value; 1005 means a close frame without payload (and so no reason).
  if (core::connection::check_close_to_send(status, text) != core::errc::ok) return E_INVALIDARG;
  auto op = std::make_shared<operation>();
  op->what = operation::kind::close;
  op->sync = !async;
  op->inline_allowed = async && completion_expected;
  op->callback = callback;
  op->context = context;
  bool answered = false;
  {
    std::lock_guard lock(mu_);
    if (ended_ || close_sent_) return hr_wrong_state;
    close_sent_ = true;
    // The channel answered the peer's close as it arrived: the module's answer is already on the
    // wire (with the peer's code), so it succeeds and sends nothing more.
    answered = close_received_;
  }
  ch_->run_on_loop_and_wait([&] {
    if (answered) {
      op->hr = S_OK;
      complete(op);
      op->in_call = false;
      return;
    }
    // The close frame queues behind what was sent before it, and is complete once queued.
    const std::error_code ec = ch_->close(status, text);
    op->hr = ec ? hresult_from(ec, dropped_.load()) : S_OK;
    complete(op);
    op->in_call = false;
  });
  return finish_call(*op, completion_expected);
}

HRESULT websocket_context::GetCloseStatus(USHORT* status, LPCWSTR* reason, USHORT* reason_length) {
  if (!status) return E_INVALIDARG;
  std::lock_guard lock(mu_);
  if (!close_received_) return hr_wrong_state;  // nothing written
  *status = close_status_;
  if (reason) *reason = close_reason_.c_str();
  if (reason_length) *reason_length = static_cast<USHORT>(close_reason_.size());
  return S_OK;
}

VOID websocket_context::CloseTcpConnection() {
  dropped_ = true;
  ch_->abort();
}

VOID websocket_context::CancelOutstandingIO() {
  // The channel completes its outstanding read and write with operation_canceled, on the loop,
  // each once: complete() turns them into callbacks with 0x800703E3.
  ch_->run_on_loop_and_wait([this] { ch_->pull_cancel(); });
}

void websocket_context::request_ended() {
  {
    std::lock_guard lock(mu_);
    ended_ = true;
  }
  ch_->run_on_loop_and_wait([this] {
    ch_->pull_cancel();  // synchronous callers wake with an error; the others end silently
    if (!ch_->finished()) (void)ch_->close(core::close_code::going_away, "");
  });
}

void websocket_context::stop() {
  dropped_ = true;
  CancelOutstandingIO();
  ch_->abort();
}

void websocket_context::release_connection() {
  ch_->run_on_loop_and_wait([this] { ch_->abort(); });  // on the loop, abort() finishes at once
}

bool websocket_context::idle() const {
  std::lock_guard lock(mu_);
  return !read_ && !write_;
}

}  // namespace websock::iis
