// The channel's output: everything queued during one handler leaves in one gather write (an HTTP
// head first, then the core's outbox, taken by swapping buffers rather than copying).
#include "channel/channel.hpp"

#include <array>

namespace websock::runtime {
namespace {
constexpr std::size_t keep_write_capacity = 1024 * 1024;
}  // namespace

void channel::schedule_flush() {
  // Inside our handlers the flush happens at their end, so everything queued meanwhile shares
  // one write. Otherwise (a send from another connection's callback) post one flush.
  if (in_handler_ || flush_posted_) return;
  flush_posted_ = true;
  asio::post(ctx_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->after_io();
  });
}

void channel::flush() {
  if (writing_ || phase_ == phase::closed) return;
  if (!ws_.has_output() && head_out_.empty()) return;
  write_buf_.clear();
  if (ws_.has_output()) ws_.swap_output(write_buf_);
  write_counted_ = write_buf_.size();
  writing_ = true;
  ++flushes_;
  if (shared_ && !shared_->pending.empty()) return start_gather_write();
  const std::array<asio::const_buffer, 2> out{asio::buffer(head_out_),
                                              asio::buffer(write_buf_.data(), write_buf_.size())};
  net::async_write(stream_, out, [self = shared_from_this()](std::error_code ec, std::size_t) { self->on_write(ec); });
}

void channel::start_gather_write() {
  // The outbox cut at each shared payload's place, the payload in between: one gather write.
  shared_->writing.swap(shared_->pending);
  auto& g = shared_->gather;
  g.clear();
  if (!head_out_.empty()) g.push_back(asio::buffer(head_out_));
  std::size_t from = 0;
  for (const shared_out& s : shared_->writing) {
    if (s.at > from) g.push_back(asio::buffer(write_buf_.data() + from, s.at - from));
    g.push_back(asio::buffer(s.payload.bytes.data(), s.payload.bytes.size()));
    write_counted_ += s.payload.bytes.size();
    from = s.at;
  }
  if (write_buf_.size() > from) g.push_back(asio::buffer(write_buf_.data() + from, write_buf_.size() - from));
  net::async_write(stream_, g, [self = shared_from_this()](std::error_code ec, std::size_t) { self->on_write(ec); });
}

void channel::on_write(std::error_code ec) {
  writing_ = false;
  if (shared_) shared_->writing.clear();  // written (or failed): the payloads' owners let go
  add_loop_bytes(0 - write_counted_);  // wraps: the written bytes leave the count
  write_counted_ = 0;
  if (pull_ && pull_->write_done && flushes_ >= pull_->write_in_flush) {
    in_handler_ = true;
    complete_write(ec);  // the outstanding pull write's bytes were in this one
    in_handler_ = false;
  }
  if (!head_out_.empty()) std::string().swap(head_out_);  // written: give the memory back
  write_buf_.clear();
  write_buf_.release_if_larger(keep_write_capacity);
  if (phase_ == phase::closed) return;
  if (ec) return finish(ec);
  // A buffer kept for the next write is given back if the connection then goes quiet.
  if ((write_buf_.capacity() > trim_keep || shared_) && trim_at_ == clock::time_point{}) {
    trim_at_ = timers_.now() + trim_delay;
    arm_timer();
  }
  in_handler_ = true;
  if (buffered() == 0 && want_drain_.exchange(false) && phase_ == phase::open) events_->on_drain(*this);
  in_handler_ = false;
  after_io();
}

void channel::after_io() {
  if (phase_ == phase::closed) return;
  settle_budget();
  if (!held_in_.empty() && !output_backed_up()) {
    parse_held_input();
    if (phase_ == phase::closed) return;
  }
  // TLS: records OpenSSL already holds are read before we write, so that the answers to everything
  // one socket read brought leave in one SSL_write (one record of up to 16 KiB), not one per record.
  if (!reading_ && want_read()) {
    if (auto* tls = std::get_if<net::tls_socket>(&stream_); tls != nullptr && net::tls_input_buffered(*tls)) {
      read();
      if (reading_) return;  // its completion comes back here, and flushes once the input is used up
    }
  }
  flush();
  if (phase_ == phase::closed) return;
  // RFC 6455 7.1.1: once both closes crossed, the server closes TCP first.
  if (!writing_ && ws_.should_close_transport() && !transport_closing_) begin_transport_close();
  if (!reading_ && want_read()) read();
  // zlib state of a direction without context takeover goes once the connection is quiet.
  if (trim_at_ == clock::time_point{} && ws_.holds_releasable_deflate_memory()) {
    trim_at_ = timers_.now() + trim_delay;
    arm_timer();
  }
}

}  // namespace websock::runtime
