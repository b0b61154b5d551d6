// core::escape_for_log, the one escaper of peer bytes in log lines (issue 9 defect 4: a close
// reason with a newline forged a log line; 16 KB targets flooded the log).
#include <gtest/gtest.h>

#include <string>

#include "websock/core/log_escape.hpp"

namespace websock::test {
namespace {

using core::escape_for_log;

TEST(CoreLogEscape, Issue9Defect4_PrintableAsciiIsKeptAndBackslashDoubled) {
  EXPECT_EQ(escape_for_log("GET / HTTP/1.1"), "GET / HTTP/1.1");
  EXPECT_EQ(escape_for_log("a\\b"), "a\\\\b");  // so an escape in the output is always ours
  EXPECT_EQ(escape_for_log(""), "");
}

TEST(CoreLogEscape, Issue9Defect4_ControlsDelAndHighBytesAreEscaped) {
  EXPECT_EQ(escape_for_log("a\r\nb\tc"), "a\\r\\nb\\tc");
  EXPECT_EQ(escape_for_log("bye\n[warn] forged"), "bye\\n[warn] forged");  // one line, not two
  EXPECT_EQ(escape_for_log(std::string("\x16\x03\x00\xff\x7f\x80", 6)), "\\x16\\x03\\x00\\xff\\x7f\\x80");
  EXPECT_EQ(escape_for_log("\x1b[2J"), "\\x1b[2J");  // no terminal control
  EXPECT_EQ(escape_for_log("caf\xc3\xa9"), "caf\\xc3\\xa9");  // UTF-8 too: the log stays ASCII
}

TEST(CoreLogEscape, Issue9Defect4_LongInputIsCutWithItsFullLength) {
  EXPECT_EQ(escape_for_log(std::string(10, 'x'), 4), "xxxx...(10 bytes)");
  EXPECT_EQ(escape_for_log("abcd", 4), "abcd");
  // The default bound: an 8 KB request target shows its first core::log_field_bytes bytes only.
  const std::string target = "/chat?" + std::string(8000, 'a');
  const std::string shown = escape_for_log(target);
  EXPECT_EQ(shown, target.substr(0, core::log_field_bytes) + "...(8006 bytes)");
  // The worst case, every byte escaped, stays within 4 bytes per shown byte plus the marker.
  EXPECT_LE(escape_for_log(std::string(8000, '\x01')).size(), 4 * core::log_field_bytes + 32);
}

}  // namespace
}  // namespace websock::test
