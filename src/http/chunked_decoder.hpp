// Reading the chunked transfer coding (RFC 9112 7.1): the one decoder of the project, used by
// request_parser for request bodies and by body_decoder for response bodies.
//
// Sans-I/O and pull-style like the request parser: next() takes some of the given bytes and
// reports one step. Chunk data comes out as views into the given bytes; the decoder copies only
// the chunk-size line or trailer line in progress, each bounded by the limits, so its memory stays
// fixed whatever the peer sends. What an error means to the peer (a status, an errc) is the
// caller's to decide; the decoder only says which rule broke.
//
//   for (;;) {
//     const chunked_step s = decoder.next(bytes, room);
//     bytes.remove_prefix(s.consumed);
//     switch (s.kind) {
//       case chunked_event::need_more: every byte was taken; call again with more
//       case chunked_event::no_room:   chunk data is next but room was 0
//       case chunked_event::data:      s.data is the next piece of the body (at most room bytes)
//       case chunked_event::trailer:   s.data is one trailer field line, without its CRLF
//       case chunked_event::end:       the body is complete; bytes after it are not taken
//       case chunked_event::error:     s.error says why; nothing more is taken
//     }
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace websock::http {

struct chunked_limits {
  std::size_t max_chunk_line = 1024;        // chunk size and extensions, without the CRLF
  std::size_t max_trailer_bytes = 8 * 1024;  // the whole trailer section, CRLFs included
  std::uint64_t max_body_bytes = std::numeric_limits<std::uint64_t>::max();  // sum of chunk sizes
};

enum class chunked_event : unsigned char { need_more, no_room, data, trailer, end, error };

// Which rule of RFC 9112 7.1 the input broke, or which limit it crossed.
enum class chunked_error : unsigned char {
  none,
  bare_cr,             // a CR not followed by LF in a chunk-size or trailer line
  bare_lf,             // an LF without the CR before it
  line_too_long,       // a chunk-size line over max_chunk_line
  invalid_size,        // the chunk-size line does not start with a hex digit
  invalid_extension,   // after the size: not ";..." (7.1.1), or a control character
  size_overflow,       // a chunk size that does not fit in 64 bits
  body_too_large,      // this chunk would take the body over max_body_bytes
  data_overrun,        // the chunk's data is not followed by CRLF (longer than its size)
  trailers_too_large,  // the trailer section over max_trailer_bytes
};

struct chunked_step {
  chunked_event kind = chunked_event::need_more;
  std::size_t consumed = 0;  // bytes of the input this step took
  // data: a view into the input. trailer: a view into the decoder, valid until the next call;
  // the field syntax is the caller's to check (parse_field_line).
  std::string_view data;
  chunked_error error = chunked_error::none;
};

class chunked_decoder {
 public:
  explicit chunked_decoder(chunked_limits l = {}) : limits_(l) {}

  // Takes bytes until one step can be reported. At most `room` bytes of chunk data are taken in
  // this call; framing (size lines, CRLFs, trailers) is taken whatever the room.
  chunked_step next(std::string_view in,
                    std::size_t room = std::numeric_limits<std::size_t>::max());

  bool done() const noexcept { return state_ == state::done; }
  bool failed() const noexcept { return state_ == state::failed; }
  chunked_error error() const noexcept { return error_; }
  // Sum of the sizes of the chunks begun so far.
  std::uint64_t declared_bytes() const noexcept { return declared_; }

 private:
  enum class state : unsigned char { size_line, data, data_cr, data_lf, trailer_lines, done, failed };

  chunked_step fail(chunked_error e, std::size_t consumed);
  // Each takes bytes from `in` at `pos` (advancing it) within its state; none unless a rule broke.
  chunked_error read_size_line(std::string_view in, std::size_t& pos);
  chunked_error read_data_crlf(std::string_view in, std::size_t& pos);
  chunked_error read_trailer_line(std::string_view in, std::size_t& pos, bool& complete);

  chunked_limits limits_;
  state state_ = state::size_line;
  std::string line_;          // the chunk-size or trailer line in progress, without CR and LF
  bool line_handed_out_ = false;  // line_ is a trailer the caller saw: clear it on the next call
  bool last_cr_ = false;      // the previous line byte was CR: only LF may follow
  std::uint64_t remaining_ = 0;   // data bytes left in the current chunk
  std::uint64_t declared_ = 0;
  std::size_t trailer_bytes_ = 0;
  chunked_error error_ = chunked_error::none;
};

}  // namespace websock::http
