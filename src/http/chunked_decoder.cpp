#include "http/chunked_decoder.hpp"

#include <algorithm>
#include <limits>

#include "http/field_syntax.hpp"

namespace websock::http {
namespace {

int hex_value(char h) noexcept {
  if (h >= '0' && h <= '9') return h - '0';
  if (h >= 'a' && h <= 'f') return h - 'a' + 10;
  if (h >= 'A' && h <= 'F') return h - 'A' + 10;
  return -1;
}

// chunk-size [chunk-ext] (RFC 9112 7.1), the line without its CRLF. Extensions are checked for
// stray control characters and otherwise ignored (7.1.1 lets a recipient ignore unknown ones).
chunked_error parse_size_line(std::string_view line, std::uint64_t& size) noexcept {
  size = 0;
  std::size_t digits = 0;
  bool overflow = false;
  for (; digits < line.size(); ++digits) {
    const int v = hex_value(line[digits]);
    if (v < 0) break;
    // Keeps reading the digits, so that the extension check below sees where they end.
    if (size > (std::numeric_limits<std::uint64_t>::max() >> 4)) overflow = true;
    size = (size << 4) | static_cast<std::uint64_t>(v);
  }
  if (digits == 0) return chunked_error::invalid_size;
  auto ext = line.substr(digits);
  while (!ext.empty() && (ext.front() == ' ' || ext.front() == '\t')) ext.remove_prefix(1);
  if ((!ext.empty() && ext.front() != ';') ||
      !std::all_of(ext.begin(), ext.end(), is_field_char)) {
    return chunked_error::invalid_extension;
  }
  return overflow ? chunked_error::size_overflow : chunked_error::none;
}

}  // namespace

chunked_step chunked_decoder::fail(chunked_error e, std::size_t consumed) {
  state_ = state::failed;
  error_ = e;
  return {chunked_event::error, consumed, {}, e};
}

chunked_step chunked_decoder::next(std::string_view in, std::size_t room) {
  if (line_handed_out_) {
    line_.clear();
    line_handed_out_ = false;
  }
  std::size_t pos = 0;
  for (;;) {
    chunked_error e = chunked_error::none;
    switch (state_) {
      case state::failed: return {chunked_event::error, 0, {}, error_};
      case state::done: return {chunked_event::end, pos, {}, {}};
      case state::size_line:
        e = read_size_line(in, pos);
        break;
      case state::data: {
        if (pos == in.size()) return {chunked_event::need_more, pos, {}, {}};
        if (room == 0) return {chunked_event::no_room, pos, {}, {}};
        const auto n = static_cast<std::size_t>(
            std::min<std::uint64_t>(remaining_, std::min(in.size() - pos, room)));
        const auto piece = in.substr(pos, n);
        pos += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = state::data_cr;
        return {chunked_event::data, pos, piece, {}};
      }
      case state::data_cr:
      case state::data_lf:
        e = read_data_crlf(in, pos);
        break;
      case state::trailer_lines: {
        bool complete = false;
        e = read_trailer_line(in, pos, complete);
        if (e != chunked_error::none) break;
        if (complete && line_.empty()) {
          state_ = state::done;
          return {chunked_event::end, pos, {}, {}};
        }
        if (complete) {
          line_handed_out_ = true;
          return {chunked_event::trailer, pos, line_, {}};
        }
        break;
      }
    }
    if (e != chunked_error::none) return fail(e, pos);
    if (pos == in.size()) return {chunked_event::need_more, pos, {}, {}};
  }
}

// Bytes of the chunk-size line up to its LF; then the size decides what follows.
chunked_error chunked_decoder::read_size_line(std::string_view in, std::size_t& pos) {
  while (pos < in.size()) {
    const char c = in[pos++];
    if (last_cr_ && c != '\n') return chunked_error::bare_cr;
    const bool after_cr = last_cr_;
    last_cr_ = c == '\r';
    if (c == '\r') continue;
    if (c != '\n') {
      if (line_.size() >= limits_.max_chunk_line) return chunked_error::line_too_long;
      line_.push_back(c);
      continue;
    }
    if (!after_cr) return chunked_error::bare_lf;
    std::uint64_t size = 0;
    if (const auto e = parse_size_line(line_, size); e != chunked_error::none) return e;
    // Refused at the size line that would cross the limit, before any of its data.
    if (size > limits_.max_body_bytes - declared_) return chunked_error::body_too_large;
    declared_ += size;
    line_.clear();
    if (size == 0) {
      state_ = state::trailer_lines;
      trailer_bytes_ = 0;
    } else {
      remaining_ = size;
      state_ = state::data;
    }
    return chunked_error::none;
  }
  return chunked_error::none;
}

// The CRLF that closes a chunk's data.
chunked_error chunked_decoder::read_data_crlf(std::string_view in, std::size_t& pos) {
  while (pos < in.size()) {
    const char c = in[pos++];
    if (state_ == state::data_cr) {
      if (c != '\r') return chunked_error::data_overrun;
      state_ = state::data_lf;
    } else {
      if (c != '\n') return chunked_error::data_overrun;
      state_ = state::size_line;
      last_cr_ = false;
      return chunked_error::none;
    }
  }
  return chunked_error::none;
}

// trailer-section CRLF after the last chunk (RFC 9112 7.1.2): one field line at a time, up to
// its LF (`complete`); the empty line ends the body.
chunked_error chunked_decoder::read_trailer_line(std::string_view in, std::size_t& pos,
                                                 bool& complete) {
  while (pos < in.size()) {
    const char c = in[pos++];
    if (++trailer_bytes_ > limits_.max_trailer_bytes) return chunked_error::trailers_too_large;
    if (last_cr_ && c != '\n') return chunked_error::bare_cr;
    const bool after_cr = last_cr_;
    last_cr_ = c == '\r';
    if (c == '\r') continue;
    if (c != '\n') {
      line_.push_back(c);
      continue;
    }
    if (!after_cr) return chunked_error::bare_lf;
    complete = true;
    return chunked_error::none;
  }
  return chunked_error::none;
}

}  // namespace websock::http
