#include "http/request_parser.hpp"

#include <algorithm>

#include "http/field_syntax.hpp"

namespace websock::http {
namespace {

bool is_visible_ascii(char c) noexcept { return c > 0x20 && c < 0x7F; }

// "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3).
parse_error read_version(std::string_view v, int& minor) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
      v[7] < '0' || v[7] > '9') {
    return {400, "invalid HTTP version"};
  }
  if (v[5] != '1') return {505, "HTTP version not supported"};
  minor = v[7] == '0' ? 0 : 1;  // 1.x with x > 1 is answered as 1.1 (RFC 9110 6.2)
  return {};
}

// scheme "://" (RFC 3986 3.1) at the start of an absolute-form target.
bool has_scheme(std::string_view t) noexcept {
  const auto colon = t.find("://");
  if (colon == std::string_view::npos || colon == 0) return false;
  if (!((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z'))) return false;
  return std::all_of(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '-' || c == '.';
  });
}

// method SP request-target SP HTTP-version (RFC 9112 3), single spaces only.
parse_error parse_request_line(std::string_view line, request& r) {
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return {400, "invalid request line"};
  }
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  if (method.empty() || !std::all_of(method.begin(), method.end(), is_tchar)) {
    return {400, "invalid method"};
  }
  if (target.empty() || !std::all_of(target.begin(), target.end(), is_visible_ascii)) {
    return {400, "invalid request target"};
  }
  if (const auto e = read_version(line.substr(sp2 + 1), r.version_minor); e.status != 0) return e;

  // RFC 9112 3.2: which form the target takes depends on the method.
  if (target.front() == '/') {
    r.form = target_form::origin;
  } else if (target == "*") {
    if (method != "OPTIONS") return {400, "asterisk-form needs OPTIONS"};
    r.form = target_form::asterisk;
  } else if (method == "CONNECT") {
    r.form = target_form::authority;
  } else if (has_scheme(target)) {
    r.form = target_form::absolute;
  } else {
    return {400, "invalid request target"};
  }
  r.method = method;
  r.target = target;
  return {};
}

// What a broken chunked body is answered with; the texts are fixed, never peer bytes.
parse_error refusal_for(chunked_error e) noexcept {
  switch (e) {
    case chunked_error::bare_cr: return {400, "bare CR"};
    case chunked_error::bare_lf: return {400, "bare LF"};
    case chunked_error::line_too_long: return {400, "chunk line too long"};
    case chunked_error::invalid_size: return {400, "invalid chunk size"};
    case chunked_error::invalid_extension: return {400, "invalid chunk extension"};
    // 413 at the chunk header that would cross the limit, before any of its data.
    case chunked_error::size_overflow:
    case chunked_error::body_too_large: return {413, "request body too large"};
    case chunked_error::data_overrun: return {400, "chunk data longer than its size"};
    case chunked_error::trailers_too_large: return {431, "trailer section too large"};
    case chunked_error::none: break;
  }
  return {400, "invalid chunked body"};
}

}  // namespace

phase request_parser::where() const noexcept {
  switch (state_) {
    case state::idle: return phase::idle;
    case state::request_line:
    case state::header_lines: return phase::head;
    case state::stopped: return phase::stopped;
    default: return phase::body;
  }
}

event request_parser::fail(parse_error e) {
  state_ = state::stopped;
  error_ = e;
  request_.keep_alive = false;
  return {event_kind::error, 0, {}, e};
}

event request_parser::next(std::string_view in) {
  if (state_ == state::stopped) return {event_kind::stopped, 0, {}, error_};
  std::size_t pos = 0;
  for (;;) {
    step s;
    switch (state_) {
      case state::idle: s = skip_idle(in, pos); break;
      case state::request_line:
      case state::header_lines: s = read_head(in, pos); break;
      case state::fixed_body: s = read_fixed_body(in, pos); break;
      case state::chunked_body: s = read_chunked_body(in, pos); break;
      case state::end_pending: s = end_message(); break;
      case state::stopped: s = event{event_kind::stopped, 0, {}, error_}; break;
    }
    if (s) {
      s->consumed = pos;
      return *s;
    }
    if (pos == in.size() && state_ != state::end_pending &&
        !(state_ == state::fixed_body && remaining_ == 0)) {
      return {event_kind::need_more, pos, {}, {}};
    }
  }
}

// RFC 9112 2.2: empty lines before a request line are skipped. Anything else must start a
// method token: a TLS ClientHello (0x16) or other binary is refused at its first byte.
request_parser::step request_parser::skip_idle(std::string_view in, std::size_t& pos) {
  while (pos < in.size() && (in[pos] == '\r' || in[pos] == '\n')) ++pos;
  if (pos == in.size()) return std::nullopt;
  if (!is_tchar(in[pos])) {
    ++pos;
    return fail({400, "not an HTTP request"});
  }
  request_ = request{};
  raw_.clear();
  line_start_ = 0;
  method_done_ = false;
  last_cr_ = false;
  body_total_ = 0;
  state_ = state::request_line;
  return std::nullopt;
}

// Byte by byte up to the blank line, checking each limit at the byte that crosses it.
request_parser::step request_parser::read_head(std::string_view in, std::size_t& pos) {
  while (pos < in.size()) {
    const char c = in[pos++];
    raw_.push_back(c);
    if (last_cr_ && c != '\n') return fail({400, "bare CR"});
    last_cr_ = c == '\r';
    if (c == '\r') continue;

    if (state_ == state::request_line) {
      if (c != '\n') {
        if (raw_.size() > limits_.max_request_line) return fail({414, "request line too long"});
        if (raw_.size() > limits_.max_head_bytes) return fail({431, "request head too large"});
        if (!method_done_) {
          if (c == ' ') {
            method_done_ = true;
          } else if (!is_tchar(c)) {
            return fail({400, "invalid method"});
          }
        }
        continue;
      }
      if (raw_.size() < 2 || raw_[raw_.size() - 2] != '\r') return fail({400, "bare LF"});
      const std::string_view line{raw_.data(), raw_.size() - 2};
      if (const auto e = parse_request_line(line, request_); e.status != 0) return fail(e);
      state_ = state::header_lines;
      line_start_ = raw_.size();
      continue;
    }

    if (raw_.size() > limits_.max_head_bytes) return fail({431, "request head too large"});
    if (c != '\n') continue;
    if (raw_.size() - line_start_ < 2 || raw_[raw_.size() - 2] != '\r') {
      return fail({400, "bare LF"});
    }
    const std::string_view line{raw_.data() + line_start_, raw_.size() - line_start_ - 2};
    line_start_ = raw_.size();
    if (line.empty()) return finish_head();
    if (const auto e = parse_field_line(line, request_.headers, limits_.max_header_count);
        e.status != 0) {
      return fail(e);
    }
  }
  return std::nullopt;
}

request_parser::step request_parser::finish_head() {
  if (const auto e = interpret_headers(request_, limits_.max_body_bytes); e.status != 0) {
    return fail(e);
  }
  if (request_.upgrade) {
    state_ = state::stopped;
    return event{event_kind::upgrade, 0, {}, {}};
  }
  switch (request_.framing) {
    case body_framing::none: state_ = state::end_pending; break;
    case body_framing::content_length:
      state_ = state::fixed_body;
      remaining_ = request_.content_length;
      break;
    case body_framing::chunked:
      state_ = state::chunked_body;
      chunked_ = chunked_decoder({limits_.max_chunk_line, limits_.max_trailer_bytes,
                                  limits_.max_body_bytes});
      break;
  }
  return event{event_kind::head, 0, {}, {}};
}

// Body bytes of the fixed body, at most remaining_, as a view of `in`.
request_parser::step request_parser::read_fixed_body(std::string_view in, std::size_t& pos) {
  if (remaining_ == 0) {
    state_ = state::end_pending;
    return std::nullopt;
  }
  if (pos == in.size()) return std::nullopt;
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, in.size() - pos));
  const auto piece = in.substr(pos, n);
  pos += n;
  remaining_ -= n;
  body_total_ += n;
  if (remaining_ == 0) state_ = state::end_pending;
  return event{event_kind::body, 0, piece, {}};
}

// The chunked body through the shared decoder (chunked_decoder.hpp); trailer fields are kept
// apart from the headers so that they never change the framing already decided (RFC 9112 7.1.2).
request_parser::step request_parser::read_chunked_body(std::string_view in, std::size_t& pos) {
  for (;;) {
    const chunked_step s = chunked_.next(in.substr(pos));
    pos += s.consumed;
    switch (s.kind) {
      case chunked_event::need_more:
      case chunked_event::no_room:  // never: the room is unbounded, body pieces are views
        return std::nullopt;
      case chunked_event::data:
        body_total_ += s.data.size();
        return event{event_kind::body, 0, s.data, {}};
      case chunked_event::trailer:
        if (const auto e = parse_field_line(s.data, request_.trailers, limits_.max_header_count);
            e.status != 0) {
          return fail(e);
        }
        continue;
      case chunked_event::end:
        state_ = state::end_pending;
        return end_message();
      case chunked_event::error:
        return fail(refusal_for(s.error));
    }
  }
}

request_parser::step request_parser::end_message() {
  state_ = request_.keep_alive ? state::idle : state::stopped;
  return event{event_kind::end, 0, {}, {}};
}

}  // namespace websock::http
