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

// What websock connect shows of a peer's text on a terminal (issue 9): no byte of it can drive
// the terminal, and text in any language still reads as sent.
TEST(CoreLogEscape, Issue9_TerminalEscapeKeepsUtf8AndTabAndEscapesEveryControl) {
  using core::escape_for_terminal;
  EXPECT_EQ(escape_for_terminal("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(escape_for_terminal("a\r\nb\tc\\d"), "a\\r\\nb\tc\\d") << "HTAB and backslash stay";
  EXPECT_EQ(escape_for_terminal("w\xC3\xB6rld \xE2\x82\xAC \xF0\x9F\x98\x80"), "w\xC3\xB6rld \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(escape_for_terminal("\xC2\x9B" "31m \xC2\x85 \xC2\xA0"), "\\xc2\\x9b31m \\xc2\\x85 \xC2\xA0")
      << "C1 controls (U+0080-U+009F) are escaped, U+00A0 is text";
  EXPECT_EQ(escape_for_terminal(std::string("\0\x07\x7F", 3)), "\\x00\\x07\\x7f");
  EXPECT_EQ(escape_for_terminal("\xFF\xC3(\xE2\x82 \xED\xA0\x80 \xC0\xAF"),
            "\\xff\\xc3(\\xe2\\x82 \\xed\\xa0\\x80 \\xc0\\xaf") << "bytes of no valid sequence, one by one";
  const std::string once = escape_for_terminal("\x1b[2J\n");
  EXPECT_EQ(escape_for_terminal(once), once) << "escaping twice changes nothing";
  const std::string long_text(100000, 'x');
  EXPECT_EQ(escape_for_terminal(long_text), long_text) << "nothing is cut";
  EXPECT_EQ(escape_for_terminal(""), "");
}

}  // namespace
}  // namespace websock::test
