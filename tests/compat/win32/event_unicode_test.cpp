// With UNICODE, as Visual Studio's "Unicode character set" builds, CreateEvent is CreateEventW
// and takes a wide name.
#define UNICODE
#include <gtest/gtest.h>

#include <windows.h>

namespace {

TEST(Win32Event, CreateEventMacroIsTheWideFunctionWithUnicode) {
  EXPECT_EQ(&CreateEvent, &CreateEventW);
  HANDLE e = CreateEvent(NULL, FALSE, TRUE, TEXT("websock-test-unicode-macro"));
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
  EXPECT_TRUE(CloseHandle(e));
}

}  // namespace
