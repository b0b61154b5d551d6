// Maps a request path to a handler: exact paths, and prefixes ending in '/' (longest wins).
// Methods are the handler's business: every method reaches it, and it answers 405 where that
// applies. Paths are matched as sent (not percent-decoded), so one route has one spelling.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace websock::http {

template <typename Handler>
class router {
 public:
  // "/chat" matches only "/chat".
  void exact(std::string path, Handler h) { exact_.push_back({std::move(path), std::move(h)}); }
  // "/static/" matches "/static/" and everything below it; the longest matching prefix wins.
  // A prefix given without the final '/' ("/static") matches "/static" and "/static/...", never
  // "/staticfoo".
  void prefix(std::string path_prefix, Handler h) {
    prefix_.push_back({std::move(path_prefix), std::move(h)});
  }

  // The handler for `path` (target_parts::path), or nullptr (answer 404).
  const Handler* find(std::string_view path) const noexcept {
    for (const auto& r : exact_) {
      if (r.path == path) return &r.handler;
    }
    const Handler* best = nullptr;
    std::size_t best_size = 0;
    for (const auto& r : prefix_) {
      if (covers(r.path, path) && (best == nullptr || r.path.size() > best_size)) {
        best = &r.handler;
        best_size = r.path.size();
      }
    }
    return best;
  }

 private:
  static bool covers(std::string_view prefix, std::string_view path) noexcept {
    if (!path.starts_with(prefix)) return false;
    return prefix.ends_with('/') || path.size() == prefix.size() || path[prefix.size()] == '/';
  }

  struct route {
    std::string path;
    Handler handler;
  };
  std::vector<route> exact_;
  std::vector<route> prefix_;
};

}  // namespace websock::http
