// The modern API's view of one connection: a thin adapter that consumes a runtime::channel in
// push mode and hands its events to the route's or client's callbacks. All transport, buffer,
// close and timer state lives in the channel; the close state in the core below it.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <system_error>

#include "channel/channel.hpp"
#include "websock/connection.hpp"
#include "websock/server.hpp"

namespace websock::detail {

struct route_entry;

class session final : public runtime::channel_events, public std::enable_shared_from_this<session> {
 public:
  // Client: the handshake's outcome, once (error and one-line description, or success).
  using client_done = std::function<void(std::error_code, const std::string&)>;

  explicit session(std::shared_ptr<runtime::channel> ch) : ch_(std::move(ch)) {}

  // Server: the route the upgrade chose, and the server to report to.
  void attach_server(std::shared_ptr<server::state> server, std::shared_ptr<const route_entry> route);
  // Client: the callbacks, and who learns the handshake's outcome before on_open runs.
  void attach_client(std::shared_ptr<const handlers> h, client_done done);

  // ---- any thread ----
  std::error_code send(message_kind kind, std::span<const std::byte> payload) { return ch_->send(kind, payload); }
  std::error_code send(message_kind kind, shared_bytes payload) {
    return ch_->send(kind, runtime::shared_payload{std::move(payload.owner), payload.bytes});
  }
  shared_bytes share(std::span<const std::byte> received) {
    auto p = ch_->share_received(received);
    return {std::move(p.owner), p.bytes};
  }
  std::error_code ping(std::span<const std::byte> payload) { return ch_->ping(payload); }
  std::error_code close(std::uint16_t code, std::string_view reason) { return ch_->close(code, reason); }
  void abort() { ch_->abort(); }
  // Server shutdown: close with this code.
  void shutdown(std::uint16_t code, std::string reason) { ch_->shutdown(code, std::move(reason)); }
  std::size_t buffered() const noexcept { return ch_->buffered(); }
  bool is_open() const noexcept { return ch_->is_open(); }
  std::uint64_t id() const noexcept { return ch_->id(); }
  const std::string& subprotocol() const noexcept { return ch_->subprotocol(); }
  const std::optional<core::deflate_agreement>& deflate() const noexcept { return ch_->deflate(); }
  const std::string& target() const noexcept { return ch_->target(); }
  const std::string& remote_address() const noexcept { return ch_->remote_address(); }
  const core::header_list& request_headers() const noexcept { return ch_->request_headers(); }
  const core::header_list& response_headers() const noexcept { return ch_->response_headers(); }
  void set_user_data(std::shared_ptr<void> data);
  std::shared_ptr<void> user_data();

 private:
  // runtime::channel_events, on the channel's loop
  void on_open(runtime::channel&) override;
  void on_message(runtime::channel&, core::message_kind kind, std::span<const std::byte> data) override;
  void on_ping(runtime::channel&, std::span<const std::byte> payload) override;
  void on_pong(runtime::channel&, std::span<const std::byte> payload) override;
  void on_drain(runtime::channel&) override;
  void on_closed(runtime::channel&, const close_info& info) override;
  void on_handshake_failed(runtime::channel&, std::error_code ec, const std::string& detail) override;
  void on_log(runtime::channel&, std::string_view line) override;

  std::shared_ptr<runtime::channel> ch_;
  // The handle the hot callbacks (messages, pings, pongs, drain) get, made once at open instead of
  // per event (a handle costs two atomic operations); a cycle until on_closed breaks it.
  connection self_;
  std::shared_ptr<const handlers> handlers_;
  std::shared_ptr<server::state> server_;  // server role
  client_done client_done_;                // client role, until the handshake's outcome
  bool keep_request_headers_ = false;      // server role: route::keep_request_headers
  std::mutex user_mu_;
  std::shared_ptr<void> user_data_;
};

}  // namespace websock::detail
