// The channel's read pump. Plain streams (TCP, Unix) wait for readability and read into the loop's
// shared buffer, consumed before the handler returns; a busy connection reads into a buffer of its
// own so Asio reads speculatively without re-registering the socket. TLS reads lease the loop's TLS
// buffer from initiation to completion (or use a private one while it is leased).
#include "channel/channel.hpp"

namespace websock::runtime {

bool channel::want_read() const noexcept {
  switch (phase_) {
    case phase::handshake:
      return head_out_.empty();  // the client reads once its request is out
    case phase::closed:
      return false;
    case phase::open:
    case phase::closing:
      if (tls_shutdown_) return false;  // the TLS shutdown reads the peer's close_notify itself
      // Pull mode reads only for an outstanding pull read whose input is used up: the owner's
      // reads are the backpressure. Once the peer's close arrived nothing more is delivered (a
      // pull read is refused), but the peer's end still has to be seen: a client waits for the
      // server to close TCP (7.1.1), so it reads on by itself.
      if (pull_) {
        return transport_closing_ || ws_.close_received() ||
               (pull_->read_done && pull_->begin == pull_->end && !pull_->reader.has_remainder());
      }
      // Backpressure: while our buffer is over half the limit we stop reading, so the peer's
      // requests (echoes, pings) cannot grow it further. TCP flow control then slows the peer.
      if (transport_closing_) return true;
      return !output_backed_up() && held_in_.empty();
  }
  return false;
}

void channel::read() {
  if (pull_ && phase_ != phase::handshake) return read_pull();
  reading_ = true;
  if (phase_ != phase::handshake) {
    if (const std::span<std::byte> into = ws_.direct_input(); !into.empty()) return read_direct(into);
  }
  if (auto* tls = std::get_if<net::tls_socket>(&stream_)) {
    // Bytes OpenSSL already holds would not make the socket readable: read them at once.
    if (net::tls_input_buffered(*tls)) return read_tls();
    net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code ec) {
      if (self->tls_shutdown_ && self->phase_ != phase::closed) {  // cancelled for the shutdown
        self->reading_ = false;
        return self->shutdown_tls();
      }
      if (self->phase_ == phase::closed || ec) {
        self->reading_ = false;
        if (ec) self->finish(ec);
        return;
      }
      self->read_tls();
    });
    return;
  }
  if (cooling_) {  // trim() cooled this connection while a read was in flight; that read is over
    cooling_ = false;
    hot_buf_.reset();
  }
  if (hot_buf_) {
    return net::async_read_some(stream_, asio::buffer(hot_buf_.get(), hot_size),
                                [self = shared_from_this()](std::error_code ec, std::size_t n) {
                                  self->on_hot_read(ec, n);
                                });
  }
  net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code ec) { self->on_readable(ec); });
}

void channel::read_direct(std::span<std::byte> into) {
  // The rest of a large frame goes straight where the core assembles it: no copy out of a read
  // buffer, and one read of the size the frame header told (not pieces of a fixed buffer).
  net::async_read_some(stream_, asio::buffer(into.data(), into.size()),
                       [self = shared_from_this()](std::error_code ec, std::size_t n) {
                         self->reading_ = false;
                         if (self->phase_ == phase::closed) return;
                         // trim() cancelled it to take a hot buffer back: read again.
                         if (ec == asio::error::operation_aborted && self->cooling_) return self->after_io();
                         if (ec) return self->finish(ec);
                         self->in_handler_ = true;
                         self->last_rx_ = self->timers_.now();
                         self->on_direct_input(n);
                         self->in_handler_ = false;
                         if (self->phase_ != phase::closed) self->after_io();
                       });
}

void channel::on_hot_read(std::error_code ec, std::size_t n) {
  reading_ = false;
  if (ec == asio::error::operation_aborted && cooling_ && phase_ != phase::closed) return after_io();
  if (consume(ec, {hot_buf_.get(), n})) after_io();
}

void channel::note_read() {
  // Reads in quick succession make a connection hot: it gets its own read buffer until it has
  // been quiet for trim_delay (trim() takes the buffer back).
  const auto now = timers_.now();
  if (phase_ != phase::open || now - last_rx_ > hot_gap) {
    quick_reads_ = 0;
    return;
  }
  if (++quick_reads_ < hot_after) return;
  hot_buf_ = std::make_unique_for_overwrite<std::byte[]>(hot_size);
  if (trim_at_ == clock::time_point{}) {
    trim_at_ = now + trim_delay;
    arm_timer();
  }
}

void channel::on_readable(std::error_code ec) {
  if (phase_ == phase::closed || ec) {
    reading_ = false;
    if (ec) finish(ec);
    return;
  }
  const std::span<std::byte> buf = buffers_.read_buffer();
  const std::size_t n = net::read_some_now(stream_, asio::buffer(buf.data(), buf.size()), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again || ec == asio::error::interrupted) {
    return net::async_wait_readable(stream_, [self = shared_from_this()](std::error_code e) { self->on_readable(e); });
  }
  reading_ = false;
  if (!ec && n != 0) note_read();
  if (consume(ec, buf.first(n))) after_io();
}

void channel::read_tls() {
  std::byte* buf = buffers_.lease_tls();
  if (buf == nullptr) {
    tls_own_ = std::make_unique_for_overwrite<std::byte[]>(net::loop_buffers::tls_size);
    buf = tls_own_.get();
  }
  auto& tls = std::get<net::tls_socket>(stream_);
  tls.async_read_some(asio::buffer(buf, net::loop_buffers::tls_size),
                      [self = shared_from_this(), buf](std::error_code ec, std::size_t n) {
                        self->on_tls_read(ec, n, buf);
                      });
}

void channel::on_tls_read(std::error_code ec, std::size_t n, std::byte* buffer) {
  reading_ = false;
  if (tls_shutdown_ && phase_ != phase::closed) {  // cancelled for the shutdown (or late bytes)
    buffers_.release_tls(buffer);
    tls_own_.reset();
    return shutdown_tls();
  }
  const bool go_on = consume(ec, {buffer, n});
  buffers_.release_tls(buffer);
  tls_own_.reset();
  if (go_on) after_io();
}

bool channel::consume(std::error_code ec, std::span<std::byte> data) {
  if (phase_ == phase::closed) return false;
  if (ec) {
    finish(ec);
    return false;
  }
  in_handler_ = true;
  last_rx_ = timers_.now();
  if (phase_ == phase::handshake) {
    on_response_bytes(data);
  } else {
    on_frames(data);
  }
  in_handler_ = false;
  return phase_ != phase::closed;
}

}  // namespace websock::runtime
