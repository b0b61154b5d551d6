// Per-loop read buffers, shared by every connection of one io_context (one thread runs it), so an
// idle connection holds no read buffer at all.
//
// Plain streams (TCP, Unix) wait for readability, then read synchronously (non-blocking) into
// read_buffer() and hand the bytes to the core within the same handler; the core keeps partial
// frames itself, so nothing outlives the handler and every connection of the loop can use the one
// buffer.
//
// TLS streams cannot read synchronously: asio::ssl completes a read after a socket operation, and
// even an async_read_some that finds decrypted bytes at once copies them into the caller's buffer
// at initiation and calls the handler later. So a TLS read that has been started owns its buffer
// until its handler runs: tls_buffer() is leased to one pending read at a time; when it is taken,
// the reader uses a private buffer for that one read (see session::read_tls).
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "net/asio.hpp"

namespace websock::net {

class loop_buffers : public asio::execution_context::service {
 public:
  using key_type = loop_buffers;
  static inline asio::execution_context::id id;

  // Large enough that one read holds many small frames, and messages up to this size that arrive
  // at once reach the application without a copy.
  static constexpr std::size_t read_size = 64 * 1024;
  // One TLS record's plaintext at most: SSL_read hands out one record per call.
  static constexpr std::size_t tls_size = 16 * 1024;

  explicit loop_buffers(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}

  static loop_buffers& of(asio::io_context& ctx) { return asio::use_service<loop_buffers>(ctx); }

  // For use within one handler only.
  std::span<std::byte> read_buffer() {
    if (!read_) read_ = std::make_unique<std::byte[]>(read_size);
    return {read_.get(), read_size};
  }

  // The shared TLS buffer, or nullptr while another pending read holds it.
  std::byte* lease_tls() {
    if (tls_leased_) return nullptr;
    if (!tls_) tls_ = std::make_unique<std::byte[]>(tls_size);
    tls_leased_ = true;
    return tls_.get();
  }
  // Gives the buffer back (no-op for any other pointer).
  void release_tls(const std::byte* p) noexcept {
    if (p != nullptr && p == tls_.get()) tls_leased_ = false;
  }

 private:
  void shutdown() override {}

  std::unique_ptr<std::byte[]> read_;
  std::unique_ptr<std::byte[]> tls_;
  bool tls_leased_ = false;
};

}  // namespace websock::net
