// Drives a request_parser the way a socket driver does, over a stream cut into pieces, and
// writes down what it reported, so that every split of one stream can be compared.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/request_parser.hpp"

namespace websock::test {

struct transcript {
  std::vector<std::string> events;  // "head GET /", "body <bytes>" (pieces joined), "end", ...
  std::string after;                // the bytes not taken once the parser stopped
  http::parse_error error;
  std::vector<http::request> requests;  // a copy at each head or upgrade event

  bool operator==(const transcript& o) const {
    return events == o.events && after == o.after && error.status == o.error.status;
  }
};

// Gives the parser `input` in pieces of `piece` bytes (0: all at once), as they "arrive".
inline transcript run_parser(std::string_view input, std::size_t piece = 0,
                             http::limits limits = {}) {
  using http::event_kind;
  if (piece == 0) piece = input.size() == 0 ? 1 : input.size();
  http::request_parser p(limits);
  transcript t;
  std::string pending;
  std::size_t at = 0;
  auto note = [&](std::string e) { t.events.push_back(std::move(e)); };
  while (true) {
    const bool more_input = at < input.size();
    if (more_input) {
      pending.append(input.substr(at, piece));
      at += piece;
    }
    std::string_view bytes = pending;
    bool stopped = false;
    while (true) {
      const http::event e = p.next(bytes);
      bytes.remove_prefix(e.consumed);
      if (e.kind == event_kind::need_more) {
        if (!bytes.empty()) note("BUG: need_more left bytes");
        break;
      }
      if (e.kind == event_kind::body) {
        if (!t.events.empty() && t.events.back().starts_with("body ")) {
          t.events.back() += e.data;
        } else {
          note("body " + std::string(e.data));
        }
        continue;
      }
      if (e.kind == event_kind::head || e.kind == event_kind::upgrade) {
        t.requests.push_back(p.current());
        note(std::string(e.kind == event_kind::head ? "head " : "upgrade ") +
             p.current().method + " " + p.current().target);
        continue;
      }
      if (e.kind == event_kind::end) {
        note("end");
        continue;
      }
      if (e.kind == event_kind::error) {
        t.error = e.error;
        note("error " + std::to_string(e.error.status));
      }
      stopped = true;  // error, or stopped after an upgrade or a closing message
      break;
    }
    if (stopped) {
      t.after = std::string(bytes) + std::string(input.substr(std::min(at, input.size())));
      return t;
    }
    pending.assign(bytes);
    if (!more_input) return t;
  }
}

}  // namespace websock::test
