// The compression of permessage-deflate (RFC 7692 7.2) over zlib's raw deflate: one compressor
// for the messages we send and one decompressor for those we receive. Internal to the core
// (connection.cpp owns them); zlib stays out of the public headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <zlib.h>

#include "websock/core/detail/byte_buffer.hpp"

namespace websock::core::detail {

// Our messages. zlib's state is made on first use and can be given back between messages
// (release), so a connection without context takeover holds none while it is idle.
class message_deflater {
 public:
  // window_bits 9..15 (zlib's raw deflate cannot use 8: see usable_window), level 0..9 or -1,
  // mem_level 1..9; reset_each_message: no context takeover for our direction.
  message_deflater(int window_bits, int level, int mem_level, bool reset_each_message) noexcept
      : window_bits_(window_bits), level_(level), mem_level_(mem_level), reset_each_message_(reset_each_message) {}
  ~message_deflater();
  message_deflater(const message_deflater&) = delete;
  message_deflater& operator=(const message_deflater&) = delete;

  // zlib refuses a raw window of 256 bytes (8 bits), and widening it would send distances the
  // peer's window cannot hold; with 8 we send every message uncompressed, which RFC 7692 allows.
  static bool usable_window(int window_bits) noexcept { return window_bits >= 9 && window_bits <= 15; }

  // Appends the compressed form of `in`, the next part of the current message, to `out`. Each
  // part is flushed (Z_SYNC_FLUSH), so a fragment carries its own bytes; `last` ends the message
  // and drops the flush's trailing 00 00 ff ff (7.2.1). False when zlib fails (out of memory).
  bool compress(std::span<const std::byte> in, bool last, byte_buffer& out);
  // Between messages only: frees zlib's state (a message later makes it again). With context
  // takeover this forgets the shared history, which is allowed: the peer's decompressor keeps
  // decoding whatever we send from an empty history.
  void release() noexcept;
  bool holds_memory() const noexcept { return live_; }

 private:
  bool start() noexcept;

  int window_bits_, level_, mem_level_;
  bool reset_each_message_;
  bool live_ = false;
  z_stream zs_{};
};

// Messages we receive. The caller feeds a frame's compressed bytes, then takes the output in
// pieces of at most the room it gives, so that a small frame that inflates to a huge message
// never costs more than one piece of memory at a time (the caller checks its size limit per piece).
class message_inflater {
 public:
  explicit message_inflater(bool reset_each_message) noexcept : reset_each_message_(reset_each_message) {}
  ~message_inflater();
  message_inflater(const message_inflater&) = delete;
  message_inflater& operator=(const message_inflater&) = delete;

  enum class status : std::uint8_t {
    need_input,   // everything fed so far is out; feed more (or end_message)
    room_full,    // `room` was filled: take it and call again
    message_end,  // the message's last byte is out (after end_message)
    bad_data,     // not a deflate stream
    no_memory,
  };
  struct result {
    status st = status::need_input;
    std::size_t produced = 0;  // bytes written into room
    std::size_t consumed = 0;  // bytes of the fed input taken
  };

  // Inflates from `in` into `room`. Call with the frame's bytes; once their input is taken (or
  // room_full), call again with the rest (possibly empty: zlib may still hold output).
  result inflate(std::span<const std::byte> in, std::span<std::byte> room);
  // After the message's last frame: inflates the 00 00 ff ff tail RFC 7692 7.2.2 has us append,
  // in the same steps, until message_end.
  result end_message(std::span<std::byte> room);
  void release() noexcept;
  bool holds_memory() const noexcept { return live_; }

 private:
  bool start() noexcept;
  result run(std::span<const std::byte> in, std::span<std::byte> room);

  bool reset_each_message_;
  bool live_ = false;
  bool ended_ = false;        // a block with BFINAL ended this message's stream
  std::size_t tail_fed_ = 0;  // bytes of the 4-byte tail given to zlib
  z_stream zs_{};
};

}  // namespace websock::core::detail
