// CRITICAL_SECTION as Windows programs rely on it: recursive for its owner, exclusive between
// threads, TryEnter failing (not blocking) while another thread holds it.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include <windows.h>

namespace {

TEST(CriticalSection, OwnerMayEnterAgainAndMustLeaveAsOften) {
  CRITICAL_SECTION section;
  InitializeCriticalSection(&section);
  EnterCriticalSection(&section);
  EnterCriticalSection(&section);  // a non-recursive mutex would deadlock here
  EXPECT_TRUE(TryEnterCriticalSection(&section));
  LeaveCriticalSection(&section);
  LeaveCriticalSection(&section);

  BOOL entered_elsewhere = TRUE;
  std::thread([&] { entered_elsewhere = TryEnterCriticalSection(&section); }).join();
  EXPECT_FALSE(entered_elsewhere) << "still held once by this thread";

  LeaveCriticalSection(&section);
  std::thread([&] {
    entered_elsewhere = TryEnterCriticalSection(&section);
    if (entered_elsewhere) LeaveCriticalSection(&section);
  }).join();
  EXPECT_TRUE(entered_elsewhere) << "free after the last Leave";
  DeleteCriticalSection(&section);
}

TEST(CriticalSection, ExcludesOtherThreads) {
  CRITICAL_SECTION section;
  ASSERT_TRUE(InitializeCriticalSectionAndSpinCount(&section, 4000));
  long counter = 0;  // incremented non-atomically: only the section makes the total exact
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        EnterCriticalSection(&section);
        counter = counter + 1;
        LeaveCriticalSection(&section);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter, 4 * 20000);
  DeleteCriticalSection(&section);
}

TEST(CriticalSection, ExVariantInitialisesToo) {
  CRITICAL_SECTION section;
  ASSERT_TRUE(InitializeCriticalSectionEx(&section, 0, 0));
  EnterCriticalSection(&section);
  LeaveCriticalSection(&section);
  DeleteCriticalSection(&section);
}

}  // namespace
