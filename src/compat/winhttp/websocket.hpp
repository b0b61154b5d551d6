// The websocket handle (spec sections 4-6): a client channel in pull mode and the state machine
// of the six WebSocket calls. At most one send-side operation (send, or the close frame of
// Shutdown and Close) and one receive-side operation (a receive, or Close's wait for the server's
// close frame) are outstanding; each completes exactly once, on the channel's loop, or is claimed
// by Close or WinHttpCloseHandle and ends as cancelled.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "errors.hpp"
#include "objects.hpp"

namespace websock::winhttp {

class websocket final : public object, public std::enable_shared_from_this<websocket> {
 public:
  websocket() : object(kind::websocket) {}

  // After a checked 101: the exchange's connection becomes our channel. False if it is gone.
  bool open(const std::shared_ptr<request>& r, const std::string& subprotocol, DWORD_PTR context);

  DWORD send(WINHTTP_WEB_SOCKET_BUFFER_TYPE buffer_type, const void* data, DWORD size);
  DWORD receive(void* buffer, DWORD size, DWORD* bytes_read, WINHTTP_WEB_SOCKET_BUFFER_TYPE* buffer_type);
  DWORD shutdown(USHORT status, const void* reason, DWORD length);
  DWORD close(USHORT status, const void* reason, DWORD length);
  DWORD query_close_status(USHORT* status, void* reason, DWORD length, DWORD* consumed);
  // WinHttpCloseHandle: pending operations end as cancelled, then HANDLE_CLOSING (rule 52).
  void close_handle();

  // Options of the websocket handle.
  DWORD set_close_timeout(DWORD ms);
  DWORD set_keepalive(DWORD ms);
  DWORD close_timeout() const;
  DWORD keepalive() const;

 private:
  enum class open_message : std::uint8_t { none, binary, utf8 };
  struct read_waiter;

  void read_for_receive(void* buffer, DWORD size, std::uint64_t token, std::shared_ptr<read_waiter> wait);
  void on_receive(std::uint64_t token, const runtime::pull_result& r, std::shared_ptr<read_waiter> wait);
  void drain_for_close();
  void on_drain(const runtime::pull_result& r);
  void end_close(DWORD error);
  void report_error(WINHTTP_WEB_SOCKET_OPERATION op, DWORD error);
  DWORD error_of(const std::error_code& ec) const;

  std::shared_ptr<runtime::channel> ch_;
  // All below guarded by object::mu.
  bool send_pending_ = false;
  bool receive_pending_ = false;
  std::uint64_t receive_token_ = 0;
  bool receive_cancelled_by_close_ = false;  // Close claims the pending receive (rule 49)
  bool close_pending_ = false;
  std::shared_ptr<sync_wait> close_wait_;     // a synchronous Close waits here
  bool send_closed_ = false;                  // our close frame was asked for (Shutdown or Close)
  bool closed_ = false;                       // Close completed: the handle is done
  bool close_received_ = false;
  USHORT close_status_ = 0;
  std::string close_reason_;
  open_message sending_ = open_message::none;  // a fragmented message we are sending
  DWORD close_timeout_ms_ = 10000;
  DWORD keepalive_ms_ = 30000;
  DWORD send_buffer_ = 32768;  // WINHTTP_OPTION_WEB_SOCKET_SEND_BUFFER_SIZE of the request
  std::unique_ptr<std::byte[]> drain_buf_;
};

}  // namespace websock::winhttp
