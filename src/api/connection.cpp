// The public handle forwards to the session; an empty handle answers not_open.
#include "websock/connection.hpp"

#include "api/session.hpp"
#include "websock/error.hpp"

namespace websock {
namespace {

const std::string empty_string;
const core::header_list empty_headers;

std::span<const std::byte> bytes_of(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

}  // namespace

std::error_code connection::send(message_kind kind, shared_bytes payload) const {
  return s_ ? s_->send(kind, std::move(payload)) : make_error_code(errc::not_open);
}

shared_bytes message::share() const {
  if (from != nullptr) return from->share(data);
  auto copy = runtime::copy_to_shared(data);
  return {std::move(copy.owner), copy.bytes};
}

std::error_code connection::send_text(std::string_view text) const {
  return send(message_kind::text, bytes_of(text));
}

std::error_code connection::send_binary(std::span<const std::byte> data) const {
  return send(message_kind::binary, data);
}

std::error_code connection::send(message_kind kind, std::span<const std::byte> data) const {
  return s_ ? s_->send(kind, data) : make_error_code(errc::not_open);
}

std::error_code connection::ping(std::span<const std::byte> payload) const {
  return s_ ? s_->ping(payload) : make_error_code(errc::not_open);
}

std::error_code connection::close(std::uint16_t code, std::string_view reason) const {
  return s_ ? s_->close(code, reason) : make_error_code(errc::not_open);
}

void connection::abort() const {
  if (s_) s_->abort();
}

std::size_t connection::buffered_amount() const noexcept { return s_ ? s_->buffered() : 0; }
bool connection::is_open() const noexcept { return s_ && s_->is_open(); }
std::uint64_t connection::id() const noexcept { return s_ ? s_->id() : 0; }
const std::string& connection::subprotocol() const noexcept { return s_ ? s_->subprotocol() : empty_string; }
std::optional<core::deflate_agreement> connection::deflate() const noexcept {
  return s_ ? s_->deflate() : std::nullopt;
}
const std::string& connection::target() const noexcept { return s_ ? s_->target() : empty_string; }
const std::string& connection::remote_address() const noexcept {
  return s_ ? s_->remote_address() : empty_string;
}
const core::header_list& connection::request_headers() const noexcept {
  return s_ ? s_->request_headers() : empty_headers;
}
const core::header_list& connection::response_headers() const noexcept {
  return s_ ? s_->response_headers() : empty_headers;
}

void connection::set_user_data(std::shared_ptr<void> data) const {
  if (s_) s_->set_user_data(std::move(data));
}

std::shared_ptr<void> connection::user_data() const { return s_ ? s_->user_data() : nullptr; }

}  // namespace websock
