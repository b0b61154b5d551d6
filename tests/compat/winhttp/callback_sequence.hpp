// Checks asynchronous WinHTTP callbacks the way Wine's notification.c does (docs/compat/
// winhttp_callbacks.md, "How the test checks callbacks"): per handle, every callback must match the
// next expected entry; an optional entry may be absent; nothing unlisted may arrive. An entry marked
// on_caller must already have been delivered, on the calling thread, when the call returned.
//
//   sequence_events events;                 // the context value of the session and the websocket
//   callback_sequence seq(events);
//   ... a call ...
//   auto got = seq.expect_next(handle, {{STATUS_A}, {STATUS_B, optional}, {STATUS_C, on_caller}});
//   seq.expect_drained();                    // at the end: nothing left unchecked on any handle
#pragma once

#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "winhttp_client.hpp"

namespace winhttp_test {

// The recorder plus what the callback saw when it queried WINHTTP_OPTION_CONTEXT_VALUE on each new
// handle from inside HANDLE_CREATED, as Wine's callback does: that query has to work there.
struct sequence_events {
  recorder events;
  std::mutex mu;
  std::vector<std::string> context_failures;

  DWORD_PTR context() { return reinterpret_cast<DWORD_PTR>(this); }

  static void CALLBACK callback(HINTERNET h, DWORD_PTR context, DWORD status, LPVOID info, DWORD length) {
    if (context == 0) return;
    auto& self = *reinterpret_cast<sequence_events*>(context);
    if (status == WINHTTP_CALLBACK_STATUS_HANDLE_CREATED) {
      DWORD_PTR value = 0;
      DWORD size = sizeof value;
      if (!WinHttpQueryOption(h, WINHTTP_OPTION_CONTEXT_VALUE, &value, &size) || value != context) {
        std::lock_guard lock(self.mu);
        self.context_failures.push_back("context query in HANDLE_CREATED failed (error " +
                                        std::to_string(GetLastError()) + ")");
      }
    }
    recorder::callback(h, reinterpret_cast<DWORD_PTR>(&self.events), status, info, length);
  }
};

enum entry_flag : unsigned { plain = 0, optional = 1, on_caller = 2 };

struct expected_callback {
  DWORD status;
  unsigned flags = plain;
};

inline std::string status_name(DWORD s) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", static_cast<unsigned>(s));
  return text;
}

class callback_sequence {
 public:
  explicit callback_sequence(sequence_events& e) : events_(e), caller_(std::this_thread::get_id()) {}

  // Matches the callbacks of `h` that arrived since the last check against `list`; returns the
  // matched ones in order (for payload checks). Fails on a missing entry or an extra callback.
  std::vector<callback_event> expect_next(HINTERNET h, std::initializer_list<expected_callback> list,
                                          const char* where) {
    std::vector<callback_event> all;
    for (const auto& e : events_.events.events()) {
      if (e.handle == h) all.push_back(e);
    }
    std::size_t& next = consumed_[h];
    std::vector<callback_event> matched;
    for (const auto& want : list) {
      if (next < all.size() && all[next].status == want.status) {
        if ((want.flags & on_caller) && all[next].thread != caller_) {
          ADD_FAILURE() << where << ": " << status_name(want.status) << " not on the calling thread";
        }
        matched.push_back(all[next++]);
      } else if (!(want.flags & optional)) {
        ADD_FAILURE() << where << ": expected " << status_name(want.status) << " on " << h << "; seen"
                      << describe(all, next);
        return matched;
      }
    }
    if (next < all.size()) {
      ADD_FAILURE() << where << ": unexpected callbacks on " << h << ":" << describe(all, next);
      next = all.size();
    }
    return matched;
  }

  // Every handle ever seen has no callback left unchecked, and every context query worked.
  void expect_drained() {
    std::map<HINTERNET, std::size_t> counts;
    for (const auto& e : events_.events.events()) ++counts[e.handle];
    for (const auto& [h, n] : counts) {
      EXPECT_EQ(consumed_[h], n) << "unchecked callbacks on " << h;
    }
    std::lock_guard lock(events_.mu);
    for (const auto& f : events_.context_failures) ADD_FAILURE() << f;
  }

 private:
  static std::string describe(const std::vector<callback_event>& all, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < all.size(); ++i) out += " " + status_name(all[i].status);
    return out.empty() ? " nothing" : out;
  }

  sequence_events& events_;
  std::thread::id caller_;
  std::map<HINTERNET, std::size_t> consumed_;
};

}  // namespace winhttp_test
