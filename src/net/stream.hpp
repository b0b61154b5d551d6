// A byte stream of any of the transports the runtime speaks: TCP, TLS over TCP, Unix-domain.
// A variant rather than a virtual interface, so completion handlers stay concrete and Asio can
// recycle their memory (no heap allocation per read or write).
#pragma once

#include <string>
#include <system_error>
#include <utility>
#include <memory>
#include <variant>

#include "net/asio.hpp"

namespace websock::net {

using tcp = asio::ip::tcp;
using unix_protocol = asio::local::stream_protocol;
// TLS over TCP, held out of line: Asio's SSL stream is about 440 bytes, and an any_stream holding
// it inline made every plain connection that large too. Forwards what the runtime uses.
class tls_socket {
 public:
  using stream_type = asio::ssl::stream<tcp::socket>;
  using executor_type = stream_type::executor_type;
  tls_socket(tcp::socket&& socket, asio::ssl::context& ctx)
      : s_(std::make_unique<stream_type>(std::move(socket), ctx)) {}
  stream_type& stream() noexcept { return *s_; }
  executor_type get_executor() noexcept { return s_->get_executor(); }
  stream_type::next_layer_type& next_layer() noexcept { return s_->next_layer(); }
  stream_type::lowest_layer_type& lowest_layer() noexcept { return s_->lowest_layer(); }
  SSL* native_handle() noexcept { return s_->native_handle(); }
  template <class Buffers, class Handler>
  auto async_read_some(const Buffers& b, Handler&& h) {
    return s_->async_read_some(b, std::forward<Handler>(h));
  }
  template <class Buffers, class Handler>
  auto async_write_some(const Buffers& b, Handler&& h) {
    return s_->async_write_some(b, std::forward<Handler>(h));
  }
  template <class Handler>
  auto async_handshake(asio::ssl::stream_base::handshake_type type, Handler&& h) {
    return s_->async_handshake(type, std::forward<Handler>(h));
  }
  template <class Handler>
  auto async_shutdown(Handler&& h) {
    return s_->async_shutdown(std::forward<Handler>(h));
  }

 private:
  std::unique_ptr<stream_type> s_;
};
using any_stream = std::variant<tcp::socket, tls_socket, unix_protocol::socket>;

inline bool is_tls(const any_stream& s) noexcept { return std::holds_alternative<tls_socket>(s); }

template <class Handler>
void async_read_some(any_stream& s, asio::mutable_buffer buffer, Handler&& handler) {
  std::visit([&](auto& x) { x.async_read_some(buffer, std::forward<Handler>(handler)); }, s);
}

// Writes every buffer of the sequence (e.g. an HTTP head and the outbox in one gather write).
template <class Buffers, class Handler>
void async_write(any_stream& s, const Buffers& buffers, Handler&& handler) {
  std::visit([&](auto& x) { asio::async_write(x, buffers, std::forward<Handler>(handler)); }, s);
}

// The socket under any TLS layer.
template <class F>
decltype(auto) with_socket(any_stream& s, F&& f) {
  return std::visit(
      [&](auto& x) -> decltype(auto) {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, tls_socket>) {
          return f(x.next_layer());
        } else {
          return f(x);
        }
      },
      s);
}

// Waits until the socket under any TLS layer is readable (no buffer is held meanwhile).
template <class Handler>
void async_wait_readable(any_stream& s, Handler&& handler) {
  with_socket(s, [&](auto& sock) { sock.async_wait(asio::socket_base::wait_read, std::forward<Handler>(handler)); });
}

// Plain streams only (TCP, Unix): one non-blocking read. would_block when nothing is there.
std::size_t read_some_now(any_stream& s, asio::mutable_buffer buffer, std::error_code& ec);
// Plain streams: reads never block (read_some_now). TLS: nothing to do.
void set_non_blocking(any_stream& s) noexcept;
// TLS: OpenSSL holds input already read from the socket (decrypted bytes, or record bytes in its
// read BIO), so waiting for the socket to become readable could wait for bytes that are here.
bool tls_input_buffered(tls_socket& s) noexcept;

// Sends FIN; reads may go on (the peer's remaining bytes, then its own FIN).
void shutdown_send(any_stream& s) noexcept;
// Pending operations on the socket complete with operation_aborted; the socket stays open.
void cancel(any_stream& s) noexcept;
// Closes the descriptor; pending operations complete with operation_aborted.
void close(any_stream& s) noexcept;
// Closes with SO_LINGER 0, so the peer sees a TCP reset (tests of abnormal closure).
void reset(any_stream& s) noexcept;
// "1.2.3.4:5", "[::1]:5" or "unix:" and the peer's socket path, escaped (safe to log).
std::string remote_address(any_stream& s);
// TCP_NODELAY: frames are whole messages, so Nagle only adds latency.
void set_no_delay(any_stream& s) noexcept;

}  // namespace websock::net
