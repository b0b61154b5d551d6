#include "http/response_body.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "http/field_syntax.hpp"

namespace websock::http {
namespace {

using core::errc;

std::string_view as_text(std::span<const std::byte> s) noexcept {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

// 1*DIGIT (RFC 9110 8.6) that fits in 64 bits.
bool read_decimal(std::string_view v, std::uint64_t& value) noexcept {
  if (v.empty()) return false;
  value = 0;
  for (const char c : v) {
    if (c < '0' || c > '9') return false;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  return true;
}

// RFC 9112 6.3 item 5: every Content-Length field line, and every element of a list in one, must
// be a valid length, and all the same length; anything else is an unrecoverable framing error.
// (A server parses its requests more strictly, request.cpp: it refuses every repeat.)
response_body_framing read_content_length(const core::header_list& headers) {
  const auto values = core::header_tokens(headers, "Content-Length");
  if (values.empty()) return {response_framing::none, 0, errc::http_malformed};  // only empty values
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::uint64_t v = 0;
    if (!read_decimal(values[i], v) || (i > 0 && v != length)) {
      return {response_framing::none, 0, errc::http_malformed};
    }
    length = v;
  }
  return {response_framing::length, length, errc::ok};
}

errc error_for(chunked_error e) noexcept {
  switch (e) {
    case chunked_error::line_too_long:
    case chunked_error::trailers_too_large: return errc::http_chunk_line_too_long;
    default: return errc::http_bad_chunk;
  }
}

}  // namespace

response_body_framing decide_response_framing(std::string_view request_method,
                                              const core::http_head& response) {
  const int status = response.status;
  // Item 1: these responses end at the blank line, whatever their headers say.
  if (request_method == "HEAD" || (status >= 100 && status < 200) || status == 204 ||
      status == 304) {
    return {};
  }
  // Item 2: after a 2xx to CONNECT the connection is a tunnel; its bytes are no body.
  if (request_method == "CONNECT" && status >= 200 && status < 300) return {};
  // Items 3 and 4: Transfer-Encoding overrides Content-Length. Chunked last: the chunked coding
  // delimits the body; another coding last: only the close of the connection does.
  if (core::count_header(response.headers, "Transfer-Encoding") != 0) {
    const auto codings = core::header_tokens(response.headers, "Transfer-Encoding");
    if (!codings.empty() && core::iequals(codings.back(), "chunked")) {
      return {response_framing::chunked, 0, errc::ok};
    }
    return {response_framing::until_close, 0, errc::ok};
  }
  // Items 5 and 6.
  if (core::count_header(response.headers, "Content-Length") != 0) {
    return read_content_length(response.headers);
  }
  // Item 8 (item 7 is for requests): no declared length.
  return {response_framing::until_close, 0, errc::ok};
}

body_decoder::body_decoder(response_framing framing, std::uint64_t length,
                           body_decoder_limits limits)
    : framing_(framing),
      remaining_(framing == response_framing::length ? length : 0),
      max_trailer_count_(limits.max_trailer_count),
      chunked_({limits.max_chunk_line, limits.max_trailer_bytes,
                std::numeric_limits<std::uint64_t>::max()}),
      done_(framing == response_framing::none ||
            (framing == response_framing::length && length == 0)) {}

decode_result body_decoder::decode(std::span<const std::byte> in, std::span<std::byte> out) {
  if (done_ || error_ != errc::ok) return {};
  switch (framing_) {
    case response_framing::none: return {};
    case response_framing::length: {
      const auto n = static_cast<std::size_t>(
          std::min<std::uint64_t>(remaining_, std::min(in.size(), out.size())));
      if (n != 0) std::memcpy(out.data(), in.data(), n);
      remaining_ -= n;
      produced_ += n;
      done_ = remaining_ == 0;
      return {n, n};
    }
    case response_framing::until_close: {
      const std::size_t n = std::min(in.size(), out.size());
      if (n != 0) std::memcpy(out.data(), in.data(), n);
      produced_ += n;
      return {n, n};
    }
    case response_framing::chunked: return decode_chunked(in, out);
  }
  return {};
}

decode_result body_decoder::decode_chunked(std::span<const std::byte> in, std::span<std::byte> out) {
  const std::string_view text = as_text(in);
  decode_result r;
  for (;;) {
    const chunked_step s = chunked_.next(text.substr(r.consumed), out.size() - r.produced);
    r.consumed += s.consumed;
    switch (s.kind) {
      case chunked_event::need_more:
      case chunked_event::no_room: return r;
      case chunked_event::data:
        std::memcpy(out.data() + r.produced, s.data.data(), s.data.size());
        r.produced += s.data.size();
        produced_ += s.data.size();
        continue;
      case chunked_event::trailer:
        if (const auto e = parse_field_line(s.data, trailers_, max_trailer_count_); e.status != 0) {
          error_ = e.status == 431 ? errc::http_too_many_headers : errc::http_bad_chunk;
          return r;
        }
        continue;
      case chunked_event::end:
        done_ = true;
        return r;
      case chunked_event::error:
        error_ = error_for(s.error);
        return r;
    }
  }
}

errc body_decoder::end_of_input() noexcept {
  if (done_ || error_ != errc::ok) return error_;
  if (framing_ == response_framing::until_close) {
    done_ = true;
  } else {
    error_ = errc::http_truncated_body;
  }
  return error_;
}

std::size_t body_decoder::available(std::span<const std::byte> in) const {
  if (done_ || error_ != errc::ok) return 0;
  switch (framing_) {
    case response_framing::none: return 0;
    case response_framing::length:
      return static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size()));
    case response_framing::until_close: return in.size();
    case response_framing::chunked: break;
  }
  // A copy of the chunked state runs over the input; its memory is bounded by the limits.
  chunked_decoder trial = chunked_;
  std::string_view text = as_text(in);
  std::size_t total = 0;
  for (;;) {
    const chunked_step s = trial.next(text);
    text.remove_prefix(s.consumed);
    if (s.kind == chunked_event::data) {
      total += s.data.size();
    } else if (s.kind != chunked_event::trailer) {
      return total;
    }
  }
}

}  // namespace websock::http
