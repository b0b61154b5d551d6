// GetLastError/SetLastError: one value per thread, ERROR_SUCCESS in a new thread.
#include <gtest/gtest.h>

#include <thread>

#include <windows.h>

namespace {

TEST(LastError, KeepsWhatWasSet) {
  SetLastError(ERROR_INVALID_PARAMETER);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  SetLastError(ERROR_SUCCESS);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
}

TEST(LastError, IsPerThreadAndStartsAsSuccess) {
  SetLastError(ERROR_INVALID_OPERATION);
  DWORD seen_in_new_thread = 1;
  std::thread([&] {
    seen_in_new_thread = GetLastError();
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
  }).join();
  EXPECT_EQ(seen_in_new_thread, static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_OPERATION)) << "the other thread's value stays there";
}

}  // namespace
