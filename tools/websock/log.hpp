// One line per event on stderr, filtered by -q / -v.
#pragma once

#include <cstdio>
#include <mutex>
#include <string_view>

#include "websock/server.hpp"

namespace cli {

inline websock::log_level& log_threshold() {
  static websock::log_level level = websock::log_level::info;
  return level;
}

inline void log(websock::log_level level, std::string_view text) {
  if (level < log_threshold()) return;
  static std::mutex mu;
  static constexpr const char* names[] = {"debug", "info", "warn", "error"};
  std::lock_guard lock(mu);
  std::fprintf(stderr, "[%s] %.*s\n", names[static_cast<int>(level)], static_cast<int>(text.size()), text.data());
}

}  // namespace cli
