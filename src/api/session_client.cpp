// The client's opening handshake (RFC 6455 4.1): write the request, check the 101.
#include "api/session.hpp"
#include "websock/error.hpp"

namespace websock::detail {

void session::start_client(core::client_handshake_options request, std::shared_ptr<const handlers> h,
                           client_done done) {
  handlers_ = std::move(h);
  client_done_ = std::move(done);
  started_ = clock::now();
  target_ = request.target;
  client_hs_ = std::make_unique<core::client_handshake>(std::move(request));
  http_out_ = client_hs_->request();
  arm_timer();
  after_io();
}

void session::on_response_bytes(std::span<std::byte> data) {
  const std::size_t used = client_hs_->feed(data);
  if (!client_hs_->done()) return;
  if (client_hs_->error() != core::errc::ok) {
    const auto& head = client_hs_->response();
    if (head.status != 0 && head.status != 101) {
      failure_ = make_error_code(errc::upgrade_rejected);
      close_.reason = "server refused the upgrade: HTTP " + std::to_string(head.status) + " " + head.reason;
    } else {
      failure_ = make_error_code(client_hs_->error());
      close_.reason = "bad handshake response: " + failure_.message();
    }
    return finish(failure_);
  }
  subprotocol_ = client_hs_->result().subprotocol;
  response_headers_ = client_hs_->response().headers;
  client_hs_.reset();
  // The client learns of the connection before its on_open runs.
  auto done = std::move(client_done_);
  client_done_ = nullptr;
  phase_ = phase::open;  // so that the handle is usable inside `done`
  open_.store(true, std::memory_order_release);
  done({}, {});
  become_open();
  if (phase_ == phase::open) on_frames(data.subspan(used));
}

}  // namespace websock::detail
