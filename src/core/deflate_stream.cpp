#include "deflate_stream.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace websock::core::detail {
namespace {

// The tail a sync flush ends with (an empty stored block): dropped when sending, appended when
// receiving (RFC 7692 7.2.1 and 7.2.2).
constexpr std::array<std::byte, 4> flush_tail = {std::byte{0x00}, std::byte{0x00}, std::byte{0xff}, std::byte{0xff}};

Bytef* in_ptr(std::span<const std::byte> s) {
  return const_cast<Bytef*>(reinterpret_cast<const Bytef*>(s.data()));  // zlib's next_in is not const
}

}  // namespace

// ------------------------------------------------------------------ deflater

message_deflater::~message_deflater() { release(); }

bool message_deflater::start() noexcept {
  zs_ = {};
  // Negative window bits: raw deflate, no zlib header or checksum (7.2.1).
  if (deflateInit2(&zs_, level_, Z_DEFLATED, -window_bits_, mem_level_, Z_DEFAULT_STRATEGY) != Z_OK) return false;
  live_ = true;
  return true;
}

void message_deflater::release() noexcept {
  if (live_) deflateEnd(&zs_);
  live_ = false;
}

bool message_deflater::compress(std::span<const std::byte> in, bool last, byte_buffer& out) {
  if (!live_ && !start()) return false;
  const std::size_t start_size = out.size();
  // zlib counts input in uInt: a larger payload goes in slices, the flush after the last.
  constexpr std::size_t slice = std::size_t{1} << 30;
  const std::size_t step = std::clamp<std::size_t>(std::min(in.size(), slice) / 2 + 64, 256, 256u << 10);
  do {
    const std::span<const std::byte> now = in.first(std::min(in.size(), slice));
    in = in.subspan(now.size());
    const int flush = in.empty() ? Z_SYNC_FLUSH : Z_NO_FLUSH;
    zs_.next_in = in_ptr(now);
    zs_.avail_in = static_cast<uInt>(now.size());
    // A flush is complete once a call leaves output room unused (and, without one, once the
    // slice is taken).
    do {
      const std::size_t before = out.size();
      std::byte* room = out.extend(step);
      zs_.next_out = reinterpret_cast<Bytef*>(room);
      zs_.avail_out = static_cast<uInt>(step);
      const int rc = deflate(&zs_, flush);
      out.truncate(before + (step - zs_.avail_out));
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        out.truncate(start_size);
        release();
        return false;
      }
    } while (zs_.avail_out == 0 || zs_.avail_in != 0);
  } while (!in.empty());
  if (last) {
    // The flush ends with exactly the tail; the peer puts it back.
    if (out.size() - start_size >= flush_tail.size() &&
        std::memcmp(out.data() + out.size() - flush_tail.size(), flush_tail.data(), flush_tail.size()) == 0) {
      out.truncate(out.size() - flush_tail.size());
    } else if (out.size() == start_size) {
      // zlib writes nothing for a flush with no new input right after another flush. The stream
      // is then at a byte boundary, and the peer's appended tail needs the header byte of an empty
      // stored block before it: 00 (RFC 7692 7.2.3.6, the empty message).
      *out.extend(1) = std::byte{0x00};
    }
    if (reset_each_message_) deflateReset(&zs_);
  }
  return true;
}

// ------------------------------------------------------------------ inflater

message_inflater::~message_inflater() { release(); }

bool message_inflater::start() noexcept {
  zs_ = {};
  // The largest window, whatever was negotiated: it decodes every smaller one, including a peer
  // that widened 8 to 9 as zlib does; zlib allocates the window only once it is needed.
  if (inflateInit2(&zs_, -15) != Z_OK) return false;
  live_ = true;
  return true;
}

void message_inflater::release() noexcept {
  if (live_) inflateEnd(&zs_);
  live_ = false;
  ended_ = false;
  tail_fed_ = 0;
}

message_inflater::result message_inflater::run(std::span<const std::byte> in, std::span<std::byte> room) {
  result r;
  if (!live_ && !start()) {
    r.st = status::no_memory;
    return r;
  }
  if (ended_) {
    // After a final block the message has no more deflate data: what follows is ignored.
    r.consumed = in.size();
    return r;
  }
  zs_.next_in = in_ptr(in);
  zs_.avail_in = static_cast<uInt>(in.size());
  zs_.next_out = reinterpret_cast<Bytef*>(room.data());
  zs_.avail_out = static_cast<uInt>(room.size());
  const int rc = ::inflate(&zs_, Z_SYNC_FLUSH);
  r.produced = room.size() - zs_.avail_out;
  r.consumed = in.size() - zs_.avail_in;
  switch (rc) {
    case Z_OK:
    case Z_BUF_ERROR:  // no progress possible with this input and room: not an error
      break;
    case Z_STREAM_END:
      // A block with BFINAL set (RFC 7692 7.2.3.5 allows it): the message's data ends here, and
      // the stream starts over at its end (end_message), without the tail.
      r.consumed = in.size();
      ended_ = true;
      break;
    case Z_MEM_ERROR:
      r.st = status::no_memory;
      return r;
    default:  // Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR
      r.st = status::bad_data;
      return r;
  }
  if (zs_.avail_out == 0 && !room.empty()) {
    r.st = status::room_full;
  } else {
    r.st = status::need_input;
  }
  return r;
}

message_inflater::result message_inflater::inflate(std::span<const std::byte> in, std::span<std::byte> room) {
  return run(in, room);
}

message_inflater::result message_inflater::end_message(std::span<std::byte> room) {
  if (ended_) {
    // zlib reports the stream's end only once all its output is out: nothing is held.
    ended_ = false;
    tail_fed_ = 0;
    inflateReset(&zs_);  // a final block ends the history too
    result r;
    r.st = status::message_end;
    return r;
  }
  const std::span<const std::byte> rest = std::span<const std::byte>(flush_tail).subspan(tail_fed_);
  result r = run(rest, room);
  if (r.st == status::bad_data || r.st == status::no_memory) return r;
  tail_fed_ = std::min(flush_tail.size(), tail_fed_ + r.consumed);
  if (r.st == status::room_full) return r;
  if (ended_) {
    // The tail itself completed a final block (a stored one whose length it supplied).
    ended_ = false;
    tail_fed_ = 0;
    inflateReset(&zs_);
    r.st = status::message_end;
    return r;
  }
  // With the tail in, zlib must wait at a block boundary (data_type's 128: the next block's
  // header). Anywhere else the message's data stopped inside a block: it does not inflate.
  if (tail_fed_ < flush_tail.size() || (zs_.data_type & 128) == 0) {
    r.st = status::bad_data;
    return r;
  }
  tail_fed_ = 0;
  if (reset_each_message_) inflateReset(&zs_);
  r.st = status::message_end;
  return r;
}

}  // namespace websock::core::detail
