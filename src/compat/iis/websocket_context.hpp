// IWebSocketContext over a server channel in pull mode (spec section 4): the face's rules only.
// The channel does the framing, pings, the close handshake and the timers.
//
// Completion contract (rules 59-61, 66):
//  - One read and one write may be outstanding at once; each accepted asynchronous operation
//    completes exactly once: inline (*pfCompletionExpected = FALSE, results in the out-parameters,
//    no callback) or through its callback on the module pool, never both. Without a
//    pfCompletionExpected every completion is a callback.
//  - An operation is inline when the channel completes it during the call (a piece already read,
//    a send the outbox takes at once); the call learns that on the loop, where the channel
//    completes everything (channel::run_on_loop_and_wait).
//  - CancelOutstandingIO ends the outstanding ones with 0x800703E3, each once.
//  - Once the request is done no callback runs: the operations still outstanding end silently.
// Guarded by mu_; the channel's completions run on its loop.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include <iiswebsocket.h>

#include "channel/channel.hpp"

namespace websock::iis {

class http_context;

class websocket_context final : public IWebSocketContext, public std::enable_shared_from_this<websocket_context> {
 public:
  explicit websocket_context(std::weak_ptr<http_context> request) : request_(std::move(request)) {}

  // The channel from the upgrade, before any module call.
  void attach(std::shared_ptr<runtime::channel> ch) { ch_ = std::move(ch); }
  runtime::channel& channel() noexcept { return *ch_; }

  HRESULT WriteFragment(VOID* data, DWORD* size, BOOL async, BOOL utf8, BOOL final_fragment,
                        PFN_WEBSOCKET_COMPLETION callback, VOID* context, BOOL* completion_expected) override;
  HRESULT ReadFragment(VOID* data, DWORD* size, BOOL async, BOOL* utf8, BOOL* final_fragment, BOOL* close,
                       PFN_WEBSOCKET_COMPLETION callback, VOID* context, BOOL* completion_expected) override;
  HRESULT SendConnectionClose(BOOL async, USHORT status, LPCWSTR reason, PFN_WEBSOCKET_COMPLETION callback,
                              VOID* context, BOOL* completion_expected) override;
  HRESULT GetCloseStatus(USHORT* status, LPCWSTR* reason, USHORT* reason_length) override;
  VOID CloseTcpConnection() override;
  VOID CancelOutstandingIO() override;
  // The request owns this object: its end is the host's business (request_ended).
  VOID CleanupStoredContext() override {}

  // ---- host side ----
  // The request is done: outstanding operations end without callbacks, and a connection still
  // open is closed with 1001.
  void request_ended();
  // Host stop: as CancelOutstandingIO, then the connection is dropped.
  void stop();
  // The request's cleanup: the connection goes now, on its loop. A channel is its loop's alone
  // (its timer slot lives in the loop's timer queue) until it is finished; the request, and so
  // this object and the channel's last reference, may then go on any thread.
  void release_connection();
  // No operation outstanding (for the cleanup of an abandoned request).
  bool idle() const;

 private:
  struct operation;  // one call's results and how they are delivered
  void complete(const std::shared_ptr<operation>& op);
  // After the call's turn on the loop: the inline result, a synchronous wait, or pending.
  HRESULT finish_call(operation& op, BOOL* completion_expected);

  std::weak_ptr<http_context> request_;
  std::shared_ptr<runtime::channel> ch_;
  mutable std::mutex mu_;
  std::shared_ptr<operation> read_;   // outstanding
  std::shared_ptr<operation> write_;  // outstanding
  enum class sending : unsigned char { none, text, binary } sending_ = sending::none;  // a fragmented message
  bool close_sent_ = false;
  bool close_received_ = false;
  bool ended_ = false;      // request_ended(): no callbacks
  std::atomic<bool> dropped_{false};  // we dropped the connection: failures are ours (0x800704D4)
  USHORT close_status_ = 0;
  std::wstring close_reason_;
};

}  // namespace websock::iis
