// Repeated log lines of one kind on one connection, bounded (issue 9 defect 4: one warning per
// dropped chat message wrote 1.4 GB in two seconds). The first `burst` lines of a kind on a
// connection are written; later ones are only counted, and the count is written as one line,
// "#ID KIND ... and N more", at the first occurrence an interval after the last line of that kind,
// and when the connection ends. So a connection writes at most burst + 1 lines of a kind per
// interval, plus one at its end, however fast the events come.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "websock/clock.hpp"
#include "websock/server.hpp"

namespace cli {

class log_limiter {
 public:
  using sink = std::function<void(websock::log_level, std::string_view)>;
  struct options {
    std::size_t burst = 1;                                       // lines of a kind written in full
    websock::clock::duration interval = std::chrono::seconds(10);  // at most one summary per this
  };

  log_limiter(std::shared_ptr<const websock::clock> clock, sink out, options o)
      : clock_(std::move(clock)), out_(std::move(out)), options_(o) {}
  log_limiter(std::shared_ptr<const websock::clock> clock, sink out)
      : log_limiter(std::move(clock), std::move(out), options{}) {}

  // One event of `kind` (our fixed text, never peer bytes) on connection `id`. `line()` makes the
  // whole line; it is called only when the line is written, so a suppressed event costs no
  // formatting. Any thread.
  template <class Line>
  void note(websock::log_level level, std::uint64_t id, std::string_view kind, Line&& line) {
    std::lock_guard lock(mu_);
    count& c = find(id, kind, level);
    const auto now = clock_->now();
    if (c.written < options_.burst) {
      ++c.written;
      c.last_line = now;
      out_(level, std::forward<Line>(line)());
      return;
    }
    ++c.suppressed;
    if (now - c.last_line >= options_.interval) {
      summarise(id, c);
      c.last_line = now;
    }
  }

  // The connection ended: what is still counted is written, and the connection forgotten.
  void end(std::uint64_t id) {
    std::lock_guard lock(mu_);
    const auto it = counts_.find(id);
    if (it == counts_.end()) return;
    for (count& c : it->second) summarise(id, c);
    counts_.erase(it);
  }

 private:
  struct count {
    std::string kind;
    websock::log_level level;
    std::size_t written = 0;
    std::uint64_t suppressed = 0;
    websock::clock::time_point last_line;  // of the last line written, summary included
  };

  count& find(std::uint64_t id, std::string_view kind, websock::log_level level) {
    std::vector<count>& kinds = counts_[id];  // a connection has a few kinds: a short scan
    for (count& c : kinds) {
      if (c.kind == kind) return c;
    }
    return kinds.emplace_back(count{std::string(kind), level});
  }

  void summarise(std::uint64_t id, count& c) {
    if (c.suppressed == 0) return;
    std::string line = "#";  // appended, not operator+: GCC 12 warns falsely (-Wrestrict) on "lit" + string
    line.append(std::to_string(id)).append(" ").append(c.kind).append(" ... and ");
    line.append(std::to_string(c.suppressed)).append(" more");
    out_(c.level, line);
    c.suppressed = 0;
  }

  std::shared_ptr<const websock::clock> clock_;
  sink out_;
  options options_;
  std::mutex mu_;
  std::unordered_map<std::uint64_t, std::vector<count>> counts_;
};

}  // namespace cli
