// The wide printf family as Windows programs use it (include/win/websock_win_wprintf.h): %s and %c
// wide, %S and %C narrow, l meaning 32 bits, I64/I32/I, precision bounding a narrow string that
// has no NUL, byte output that mixes with printf. <windows.h> comes first on purpose: the standard
// headers included after it (<cwchar> among them) must not take the Windows meaning away again.
#include <windows.h>

#include <gtest/gtest.h>

#include <clocale>
#include <cstdarg>
#include <cstdio>
#include <cwchar>
#include <string>

namespace {

// swprintf into a string; the result and what it returned.
struct formatted {
  std::wstring text;
  int result;
};

formatted format(const wchar_t* spec, ...) {
  wchar_t buffer[512];
  va_list arguments;
  va_start(arguments, spec);
  const int result = vswprintf(buffer, 512, spec, arguments);
  va_end(arguments);
  return {result >= 0 ? std::wstring(buffer) : std::wstring(), result};
}

std::string read_all(FILE* file) {
  std::rewind(file);
  std::string bytes;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) bytes += static_cast<char>(c);
  return bytes;
}

TEST(WidePrintf, StringsAndCharactersTakeTheWindowsWidth) {
  EXPECT_EQ(format(L"%s|%S|%c|%C", L"wide", "narrow", L'w', 'n').text, L"wide|narrow|w|n");
  EXPECT_EQ(format(L"%ls|%ws|%hs|%lc|%wc|%hc", L"l", L"w", "h", L'L', L'W', 'H').text, L"l|w|h|L|W|H");
  EXPECT_EQ(format(L"%s", L"Hello world").result, 11);
}

TEST(WidePrintf, LongIsThirtyTwoBitsAsOnWindows) {
  const DWORD big = 4000000000u;
  EXPECT_EQ(format(L"%lu %lx", big, big).text, L"4000000000 ee6b2800");
  // Past the sixth argument they travel on the stack, where a 64-bit read of an int picks up
  // whatever the upper half of the slot holds.
  EXPECT_EQ(format(L"%ld %ld %ld %ld %ld %ld", static_cast<LONG>(-1), static_cast<LONG>(-2), static_cast<LONG>(-3),
                   static_cast<LONG>(-4), static_cast<LONG>(-5), static_cast<LONG>(-6))
                .text,
            L"-1 -2 -3 -4 -5 -6");
}

TEST(WidePrintf, SizePrefixesOfMsvc) {
  EXPECT_EQ(format(L"%I64d|%I64u|%I32x|%Iu|%Id", static_cast<LONGLONG>(-(1LL << 40)), 18446744073709551615ull, 0xBEEFu,
                   static_cast<SIZE_T>(-1), static_cast<SSIZE_T>(-7))
                .text,
            L"-1099511627776|18446744073709551615|beef|18446744073709551615|-7");
  EXPECT_EQ(format(L"%lld|%llx|%zu|%hd|%hhu", -5LL, 255ULL, static_cast<size_t>(42), 70000, 300).text,
            L"-5|ff|42|4464|44");
}

TEST(WidePrintf, PrecisionBoundsANarrowStringWithoutNul) {
  const char unterminated[4] = {'H', 'o', 's', 't'};  // as WEB_SOCKET_HTTP_HEADER names are
  EXPECT_EQ(format(L"%.*S: %.*s", 4, unterminated, 2, L"value").text, L"Host: va");
  EXPECT_EQ(format(L"[%.0S]", unterminated).text, L"[]");
}

TEST(WidePrintf, WidthFlagsAndNumbers) {
  EXPECT_EQ(format(L"[%5s][%-5s][%*S][%-*S]", L"ab", L"ab", 4, "x", 4, "y").text, L"[   ab][ab   ][   x][y   ]");
  EXPECT_EQ(format(L"[%*S]", -3, "z").text, L"[z  ]") << "a negative '*' width means left-aligned";
  EXPECT_EQ(format(L"[%05d][%+.2f][%#x][%-4d][%e]", 42, 3.14159, 255u, 7, 1.5).text,
            L"[00042][+3.14][0xff][7   ][1.500000e+00]");
  EXPECT_EQ(format(L"%.1Lf %g %%", 1.25L, 0.5).text, L"1.2 0.5 %");
}

TEST(WidePrintf, NullStringsPrintAsNull) {
  EXPECT_EQ(format(L"%s %S", static_cast<const wchar_t*>(nullptr), static_cast<const char*>(nullptr)).text,
            L"(null) (null)");
}

TEST(WidePrintf, PointerAsAllItsHexDigits) {
  EXPECT_EQ(format(L"%p", reinterpret_cast<void*>(0x1234abcd)).text, L"000000001234ABCD");
}

TEST(WidePrintf, PercentNStoresNothingButKeepsTheArgumentsInPlace) {
  int stored = -1;
  EXPECT_EQ(format(L"%d%n|%d", 1, &stored, 2).text, L"1|2");
  EXPECT_EQ(stored, -1);
}

TEST(WidePrintf, UnknownConversionIsAnError) {
  EXPECT_EQ(format(L"ok %y").result, -1);
  EXPECT_EQ(format(L"dangling %").result, -1);
}

TEST(WidePrintf, SwprintfTruncatesAndSaysSo) {
  wchar_t buffer[4];
  EXPECT_EQ(swprintf(buffer, 4, L"%s", L"abcdef"), -1);
  EXPECT_EQ(std::wstring(buffer), L"abc");
  EXPECT_EQ(swprintf(buffer, 4, L"%s", L"abc"), 3);
  EXPECT_EQ(swprintf(buffer, 0, L"x"), -1);
}

TEST(WidePrintf, StdQualifiedCallsKeepTheWindowsMeaning) {
  wchar_t buffer[16];
  EXPECT_EQ(std::swprintf(buffer, 16, L"%s%S", L"st", "d"), 3);
  EXPECT_EQ(std::wstring(buffer), L"std");
}

TEST(WidePrintf, StreamOutputIsBytesAndMixesWithPrintf) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  std::fprintf(file, "narrow ");
  EXPECT_EQ(fwprintf(file, L"%s %S", L"wide", "bytes"), 10);
  std::fprintf(file, " again");
  EXPECT_LE(std::fwide(file, 0), 0) << "the stream kept its byte orientation";
  EXPECT_EQ(read_all(file), "narrow wide bytes again");
  std::fclose(file);
}

TEST(WidePrintf, WideOrientedStreamIsWrittenWide) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  std::fputws(L"x", file);
  EXPECT_EQ(fwprintf(file, L"%s", L"yz"), 2);
  std::rewind(file);
  wchar_t line[8] = {};
  ASSERT_NE(std::fgetws(line, 8, file), nullptr);
  EXPECT_EQ(std::wstring(line), L"xyz");
  std::fclose(file);
}

TEST(WidePrintf, OutputFollowsTheLocaleAndMarksWhatItCannotEncode) {
  FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  fwprintf(file, L"[%s]", L"\u00e9");  // the "C" locale has no é
  if (std::setlocale(LC_ALL, "C.UTF-8") != nullptr) {
    fwprintf(file, L"[%s]", L"\u00e9");
    std::setlocale(LC_ALL, "C");
    EXPECT_EQ(read_all(file), "[?][\xc3\xa9]");
  } else {
    EXPECT_EQ(read_all(file), "[?]");
  }
  std::fclose(file);
}

}  // namespace
