// Incremental HTTP/1.1 request parser (RFC 9112) with bodies, for a server's connection.
//
// Sans-I/O and pull-style: the driver gives it the bytes it has; each next() takes some of them
// and reports one event. Body bytes come out as views into the given bytes, as they arrive, so a
// large upload is never buffered; only the head (bounded by limits) is copied.
//
//   for (;;) {
//     const event e = parser.next(bytes);
//     bytes.remove_prefix(e.consumed);
//     switch (e.kind) {
//       case event_kind::need_more: read more, then call again (bytes is now empty)
//       case event_kind::head:      parser.current() is the request; body pieces and end follow
//       case event_kind::body:      e.data is the next piece of the body
//       case event_kind::end:       answer; then keep going if current().keep_alive, else close
//       case event_kind::upgrade:   the remaining bytes are WebSocket frames, not HTTP
//       case event_kind::error:     answer e.error.status (write_error), then close
//       case event_kind::stopped:   nothing more is parsed (after upgrade, close or error)
//     }
//   }
//
// Pipelining: bytes after one message stay in `bytes` for the next call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/chunked_decoder.hpp"
#include "http/limits.hpp"
#include "http/request.hpp"

namespace websock::http {

enum class event_kind : unsigned char { need_more, head, body, end, upgrade, error, stopped };

struct event {
  event_kind kind = event_kind::need_more;
  std::size_t consumed = 0;  // bytes of the input this event took
  std::string_view data;     // body: the piece, a view into the input of this call
  parse_error error;         // error: status and fixed text
};

// Where the connection is: lets the driver's timers choose between 408 (a head has started and
// is slow) and closing silently (nothing of a next request has arrived).
enum class phase : unsigned char { idle, head, body, stopped };

class request_parser {
 public:
  explicit request_parser(limits l = {}) : limits_(l) {}

  event next(std::string_view bytes);

  // The request of the latest head or upgrade event; replaced when the next request begins, so
  // a driver that answers later copies it.
  const request& current() const noexcept { return request_; }
  // The head bytes of that request exactly as received (request line to blank line), e.g. for
  // the WebSocket handshake after an upgrade event.
  std::string_view raw_head() const noexcept { return raw_; }
  // The refusal once an error event was reported.
  const parse_error& error() const noexcept { return error_; }
  phase where() const noexcept;
  // Body bytes delivered for the current message so far.
  std::uint64_t body_bytes() const noexcept { return body_total_; }

 private:
  enum class state : unsigned char {
    idle, request_line, header_lines, fixed_body, chunked_body, end_pending, stopped
  };

  // Each step takes bytes from `in` at `pos` (advancing it) and either reports an event or
  // changes state and returns nullopt so that next() goes on with the following state.
  using step = std::optional<event>;
  event fail(parse_error e);
  step skip_idle(std::string_view in, std::size_t& pos);
  step read_head(std::string_view in, std::size_t& pos);
  step finish_head();
  step read_fixed_body(std::string_view in, std::size_t& pos);
  step read_chunked_body(std::string_view in, std::size_t& pos);
  step end_message();

  limits limits_;
  state state_ = state::idle;
  request request_;
  std::string raw_;         // head bytes of the current request
  std::size_t line_start_ = 0;
  bool method_done_ = false;  // request line: the first SP was seen
  bool last_cr_ = false;      // the previous head byte was CR: only LF may follow
  std::uint64_t remaining_ = 0;   // bytes left in the fixed body
  chunked_decoder chunked_;       // the chunked body, renewed at each chunked head
  std::uint64_t body_total_ = 0;
  parse_error error_;
};

}  // namespace websock::http
