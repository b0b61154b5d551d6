// The session's callbacks: each channel event becomes the matching user callback with a handle.
#include "api/session.hpp"

#include "api/server_state.hpp"

namespace websock::detail {

void session::attach_server(std::shared_ptr<server::state> server, std::shared_ptr<const route_entry> route) {
  server_ = std::move(server);
  // The route's handlers live as long as the route entry we hold.
  handlers_ = std::shared_ptr<const handlers>(route, &route->r.callbacks);
  keep_request_headers_ = route->r.keep_request_headers;
}

void session::attach_client(std::shared_ptr<const handlers> h, client_done done) {
  handlers_ = std::move(h);
  client_done_ = std::move(done);
}

void session::on_open(runtime::channel&) {
  self_ = connection(shared_from_this());
  if (client_done_) {  // the client learns of the connection before its on_open runs
    auto done = std::move(client_done_);
    client_done_ = nullptr;
    done({}, {});
  }
  if (handlers_->on_open) {
    connection handle(shared_from_this());
    handlers_->on_open(handle);
  }
  // The handshake is over: its headers go unless the route keeps them.
  if (server_ && !keep_request_headers_) ch_->release_request_headers();
}

void session::on_message(runtime::channel&, core::message_kind kind, std::span<const std::byte> data) {
  if (!handlers_->on_message) return;
  handlers_->on_message(self_, message{kind, data, this});
}

void session::on_ping(runtime::channel&, std::span<const std::byte> payload) {
  if (!handlers_->on_ping) return;
  handlers_->on_ping(self_, payload);
}

void session::on_pong(runtime::channel&, std::span<const std::byte> payload) {
  if (!handlers_->on_pong) return;
  handlers_->on_pong(self_, payload);
}

void session::on_drain(runtime::channel&) {
  if (!handlers_->on_drain) return;
  handlers_->on_drain(self_);
}

void session::on_closed(runtime::channel& ch, const close_info& info) {
  auto self = shared_from_this();
  if (handlers_ && handlers_->on_close) {
    connection handle(self);
    handlers_->on_close(handle, info);
  }
  if (server_) {
    server_->log(log_level::debug, ch.remote_address() + " closed: " + std::to_string(info.code));
    server_->remove(ch.id());
  }
  self_ = {};  // the cycle ends with the connection
}

void session::on_handshake_failed(runtime::channel&, std::error_code ec, const std::string& detail) {
  if (!client_done_) return;
  auto done = std::move(client_done_);
  client_done_ = nullptr;
  done(ec, detail);
}

void session::on_log(runtime::channel&, std::string_view line) {
  if (server_) server_->log(log_level::info, std::string(line));
}

void session::set_user_data(std::shared_ptr<void> data) {
  std::lock_guard lock(user_mu_);
  user_data_ = std::move(data);
}

std::shared_ptr<void> session::user_data() {
  std::lock_guard lock(user_mu_);
  return user_data_;
}

}  // namespace websock::detail
