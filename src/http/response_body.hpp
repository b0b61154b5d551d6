// Reading the body of an HTTP/1.1 response, for a client that has parsed the head
// (core::http_parser): how the body is delimited (RFC 9112 6.3) and a sans-I/O decoder that turns
// the bytes after the head into payload bytes (RFC 9112 6, 7.1). Used by the WinHTTP face for
// WinHttpQueryDataAvailable / WinHttpReadData on a response that is not a 101.
//
//   const auto f = decide_response_framing("GET", parser.head());
//   if (f.error != core::errc::ok) close the connection and discard the response (6.3 item 5)
//   body_decoder body(f.framing, f.length);
//   while (!body.done() && body.error() == core::errc::ok) {
//     const auto r = body.decode(bytes, out);   // drop r.consumed from bytes, r.produced in out
//     if (r.consumed == 0 && r.produced == 0)   // read more; on EOF: body.end_of_input()
//   }
//
// Memory is fixed: the decoder copies only a chunk-size or trailer line in progress, each bounded
// by body_decoder_limits, and the trailer fields (bounded by the same limits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "http/chunked_decoder.hpp"
#include "websock/core/error.hpp"
#include "websock/core/http.hpp"

namespace websock::http {

// How a response body is delimited (RFC 9112 6.3). Not request.hpp's body_framing: a request
// body is never delimited by the close of the connection.
enum class response_framing : unsigned char {
  none,         // no body: HEAD, 1xx, 204, 304, a 2xx to CONNECT
  length,       // Content-Length bytes
  chunked,      // the chunked coding, to its last chunk and trailers
  until_close,  // every byte until the server closes the connection
};

struct response_body_framing {
  response_framing framing = response_framing::none;
  std::uint64_t length = 0;           // framing == length: the Content-Length (0 is a length)
  core::errc error = core::errc::ok;  // http_malformed: an invalid or conflicting Content-Length
};

// RFC 9112 6.3 for a response to a request with `request_method` (case-sensitive, RFC 9110 9.1).
// Transfer-Encoding overrides Content-Length (item 3); codings before a final chunked are left
// in the payload for the caller (this decoder removes only the chunked coding).
response_body_framing decide_response_framing(std::string_view request_method,
                                              const core::http_head& response);

struct body_decoder_limits {
  std::size_t max_chunk_line = 4 * 1024;     // chunk size and extensions: http_chunk_line_too_long
  std::size_t max_trailer_bytes = 8 * 1024;  // trailer section: http_chunk_line_too_long
  std::size_t max_trailer_count = 100;       // trailer fields: http_too_many_headers
};

struct decode_result {
  std::size_t consumed = 0;  // bytes of the input taken
  std::size_t produced = 0;  // payload bytes written to the front of the output
};

class body_decoder {
 public:
  // `length` counts only for response_framing::length.
  body_decoder(response_framing framing, std::uint64_t length, body_decoder_limits limits = {});

  // Takes bytes of `in` and writes the payload they carry into `out`, until `in` is used up,
  // `out` is full or the body ends. Framing (chunk-size lines, CRLFs, trailers) is taken even
  // when `out` is full, so a body whose last payload byte fits reports done() at once. Bytes after
  // the end of the body are not taken (the next response on the connection); after done() or an
  // error nothing is taken.
  decode_result decode(std::span<const std::byte> in, std::span<std::byte> out);

  // The server closed the connection: ends an until_close body; a length or chunked body not yet
  // complete fails with http_truncated_body. Returns error().
  core::errc end_of_input() noexcept;

  // How many payload bytes decode() would produce from `in` (given room), without more input:
  // what WinHttpQueryDataAvailable reports. Exact; changes nothing.
  std::size_t available(std::span<const std::byte> in) const;

  bool done() const noexcept { return done_; }
  // ok, http_bad_chunk, http_chunk_line_too_long, http_too_many_headers or http_truncated_body.
  core::errc error() const noexcept { return error_; }
  response_framing framing() const noexcept { return framing_; }
  // Payload bytes produced so far.
  std::uint64_t body_bytes() const noexcept { return produced_; }
  // The trailer fields of a chunked body (RFC 9112 7.1.2), complete once done(); never headers.
  const core::header_list& trailers() const noexcept { return trailers_; }

 private:
  decode_result decode_chunked(std::span<const std::byte> in, std::span<std::byte> out);

  response_framing framing_;
  std::uint64_t remaining_ = 0;  // framing_ == length: bytes still to come
  std::size_t max_trailer_count_;
  chunked_decoder chunked_;
  core::header_list trailers_;
  std::uint64_t produced_ = 0;
  bool done_ = false;
  core::errc error_ = core::errc::ok;
};

}  // namespace websock::http
