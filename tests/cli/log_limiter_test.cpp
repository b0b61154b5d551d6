// cli::log_limiter (tools/websock/log_limiter.hpp), on a manual clock: repeated lines of a kind on
// a connection become one count (issue 9 defect 4: one warning per dropped message flooded the log).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "log_limiter.hpp"
#include "websock/clock.hpp"

namespace cli {
namespace {

using namespace std::chrono_literals;

struct rig {
  std::shared_ptr<websock::manual_clock> clock = std::make_shared<websock::manual_clock>();
  std::vector<std::string> lines;
  int made = 0;  // lines the caller had to format
  log_limiter limiter;

  explicit rig(log_limiter::options o = {})
      : limiter(clock, [this](websock::log_level, std::string_view l) { lines.emplace_back(l); }, o) {}

  void note(std::uint64_t id, std::string_view kind, int times = 1) {
    for (int i = 0; i < times; ++i) {
      limiter.note(websock::log_level::warning, id, kind, [&] {
        ++made;
        return std::string("#").append(std::to_string(id)).append(" ").append(kind).append(" (details)");
      });
    }
  }
};

TEST(LogLimiter, Issue9Defect4_FirstLineIsWrittenTheRestCountedUntilTheConnectionEnds) {
  rig r;
  r.note(7, "chat: send buffer full", 12346);
  EXPECT_EQ(r.lines, std::vector<std::string>{"#7 chat: send buffer full (details)"});
  EXPECT_EQ(r.made, 1);  // a suppressed line is never formatted
  r.limiter.end(7);
  EXPECT_EQ(r.lines.back(), "#7 chat: send buffer full ... and 12345 more");
  EXPECT_EQ(r.lines.size(), 2u);
  r.limiter.end(7);  // forgotten: nothing more
  EXPECT_EQ(r.lines.size(), 2u);
}

TEST(LogLimiter, Issue9Defect4_NothingSuppressedMeansNoSummary) {
  rig r;
  r.note(1, "kind");
  r.limiter.end(1);
  r.limiter.end(2);  // a connection that logged nothing
  EXPECT_EQ(r.lines, std::vector<std::string>{"#1 kind (details)"});
}

TEST(LogLimiter, Issue9Defect4_KindsAndConnectionsAreCountedApart) {
  rig r;
  r.note(1, "a", 3);
  r.note(1, "b", 2);
  r.note(2, "a", 4);
  EXPECT_EQ(r.lines, (std::vector<std::string>{"#1 a (details)", "#1 b (details)", "#2 a (details)"}));
  r.limiter.end(1);
  EXPECT_EQ(r.lines.size(), 5u);
  EXPECT_EQ(r.lines[3], "#1 a ... and 2 more");
  EXPECT_EQ(r.lines[4], "#1 b ... and 1 more");
  r.limiter.end(2);
  EXPECT_EQ(r.lines.back(), "#2 a ... and 3 more");
}

TEST(LogLimiter, Issue9Defect4_AtMostOneSummaryPerIntervalWhileItGoesOn) {
  rig r({.burst = 1, .interval = 10s});
  r.note(3, "k", 5);  // the line, then 4 counted
  EXPECT_EQ(r.lines.size(), 1u);
  r.clock->advance(9s);
  r.note(3, "k", 100);  // within the interval: counted only
  EXPECT_EQ(r.lines.size(), 1u);
  r.clock->advance(1s);
  r.note(3, "k");  // the interval is over: this one and all before it in one summary
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[1], "#3 k ... and 105 more");
  r.note(3, "k", 7);  // a new interval began at the summary
  EXPECT_EQ(r.lines.size(), 2u);
  r.clock->advance(10s);
  r.note(3, "k");
  EXPECT_EQ(r.lines.back(), "#3 k ... and 8 more");
  r.limiter.end(3);
  EXPECT_EQ(r.lines.size(), 3u);  // nothing left to sum up
}

TEST(LogLimiter, Issue9Defect4_BurstLinesAreWrittenInFull) {
  rig r({.burst = 3, .interval = 10s});
  r.note(4, "k", 10);
  EXPECT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.made, 3);
  r.limiter.end(4);
  EXPECT_EQ(r.lines.back(), "#4 k ... and 7 more");
}

}  // namespace
}  // namespace cli
