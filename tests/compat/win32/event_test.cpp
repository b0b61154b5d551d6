// Win32 events and waits as documented for CreateEvent, SetEvent, ResetEvent, WaitForSingleObject,
// WaitForMultipleObjects and CloseHandle: manual-reset and auto-reset semantics, timeouts, the
// wait results and the last-error values Windows reports. Threads hand over through the events
// under test (or other events), never through sleeps.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <windows.h>

namespace {

// One handle, closed at the end of the test whatever happens.
struct event_handle {
  HANDLE handle;
  explicit event_handle(HANDLE h) : handle(h) {}
  ~event_handle() {
    if (handle != NULL) CloseHandle(handle);
  }
  operator HANDLE() const { return handle; }
};

TEST(Win32Wait, ConstantsHaveTheSdkValues) {
  EXPECT_EQ(WAIT_OBJECT_0, 0u);
  EXPECT_EQ(WAIT_ABANDONED, 0x80u);
  EXPECT_EQ(WAIT_TIMEOUT, 258u);
  EXPECT_EQ(WAIT_FAILED, 0xFFFFFFFFu);
  EXPECT_EQ(INFINITE, 0xFFFFFFFFu);
  EXPECT_EQ(MAXIMUM_WAIT_OBJECTS, 64);
  EXPECT_EQ(ERROR_INVALID_HANDLE, 6);
  EXPECT_EQ(ERROR_ALREADY_EXISTS, 183);
  EXPECT_EQ(sizeof(SECURITY_ATTRIBUTES), 24u);
}

TEST(Win32Event, CreateEventMacroIsTheAnsiFunctionWithoutUnicode) {
  EXPECT_EQ(&CreateEvent, &CreateEventA);  // event_unicode_test.cpp: CreateEventW with UNICODE
}

TEST(Win32Event, CreateSetsErrorSuccessAndInitialState) {
  SetLastError(ERROR_INVALID_PARAMETER);
  event_handle set(CreateEventW(NULL, TRUE, TRUE, NULL));
  ASSERT_NE(set.handle, nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
  event_handle clear(CreateEventA(NULL, TRUE, FALSE, NULL));
  ASSERT_NE(clear.handle, nullptr);
  EXPECT_NE(set.handle, clear.handle);
  EXPECT_EQ(WaitForSingleObject(set, 0), WAIT_OBJECT_0);
  EXPECT_EQ(WaitForSingleObject(clear, 0), static_cast<DWORD>(WAIT_TIMEOUT));
}

TEST(Win32Event, SecurityAttributesAreAccepted) {
  SECURITY_ATTRIBUTES attributes = {sizeof(SECURITY_ATTRIBUTES), NULL, TRUE};
  event_handle e(CreateEventW(&attributes, FALSE, FALSE, NULL));
  EXPECT_NE(e.handle, nullptr);
}

TEST(Win32Event, ManualResetEventStaysSignaledUntilReset) {
  event_handle e(CreateEventW(NULL, TRUE, FALSE, NULL));
  ASSERT_TRUE(SetEvent(e));
  EXPECT_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
  EXPECT_EQ(WaitForSingleObject(e, INFINITE), WAIT_OBJECT_0) << "a satisfied wait does not reset it";
  ASSERT_TRUE(ResetEvent(e));
  EXPECT_EQ(WaitForSingleObject(e, 0), static_cast<DWORD>(WAIT_TIMEOUT));
}

TEST(Win32Event, ManualResetEventReleasesEveryWaiter) {
  event_handle gate(CreateEventW(NULL, TRUE, FALSE, NULL));
  event_handle all_through(CreateEventW(NULL, TRUE, FALSE, NULL));
  constexpr int waiters = 4;
  std::atomic<int> through{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < waiters; ++i) {
    threads.emplace_back([&] {
      if (WaitForSingleObject(gate, INFINITE) == WAIT_OBJECT_0 && ++through == waiters) SetEvent(all_through);
    });
  }
  ASSERT_TRUE(SetEvent(gate));
  EXPECT_EQ(WaitForSingleObject(all_through, 10000), WAIT_OBJECT_0);
  for (auto& t : threads) t.join();
  EXPECT_EQ(through.load(), waiters);
  EXPECT_EQ(WaitForSingleObject(gate, 0), WAIT_OBJECT_0) << "still signaled after releasing them";
}

TEST(Win32Event, AutoResetEventResetsWhenAWaitIsSatisfied) {
  event_handle e(CreateEventW(NULL, FALSE, TRUE, NULL));
  EXPECT_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
  EXPECT_EQ(WaitForSingleObject(e, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  ASSERT_TRUE(SetEvent(e));
  ASSERT_TRUE(SetEvent(e));  // setting a signaled event does not count twice
  EXPECT_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
  EXPECT_EQ(WaitForSingleObject(e, 0), static_cast<DWORD>(WAIT_TIMEOUT));
}

TEST(Win32Event, AutoResetEventReleasesOneWaiter) {
  event_handle e(CreateEventW(NULL, FALSE, FALSE, NULL));
  event_handle released(CreateEventW(NULL, FALSE, FALSE, NULL));  // one SetEvent per waiter through
  std::atomic<int> through{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&] {
      if (WaitForSingleObject(e, INFINITE) == WAIT_OBJECT_0) {
        ++through;
        SetEvent(released);
      }
    });
  }
  ASSERT_TRUE(SetEvent(e));
  ASSERT_EQ(WaitForSingleObject(released, 10000), WAIT_OBJECT_0);
  EXPECT_EQ(through.load(), 1);
  // The one signal was consumed by that waiter: the event is nonsignaled again (a poll here would
  // itself consume a second signal, and then the other waiter would never get through).
  ASSERT_TRUE(SetEvent(e));
  ASSERT_EQ(WaitForSingleObject(released, 10000), WAIT_OBJECT_0);
  for (auto& t : threads) t.join();
  EXPECT_EQ(through.load(), 2);
  EXPECT_EQ(WaitForSingleObject(e, 0), static_cast<DWORD>(WAIT_TIMEOUT));
}

TEST(Win32Event, AutoResetEventSetBeforeTheWaitIsKept) {
  event_handle e(CreateEventW(NULL, FALSE, FALSE, NULL));
  ASSERT_TRUE(SetEvent(e));
  DWORD result = WAIT_FAILED;
  std::thread([&] { result = WaitForSingleObject(e, 10000); }).join();
  EXPECT_EQ(result, WAIT_OBJECT_0);
}

TEST(Win32Wait, InfiniteWaitReturnsOnceAnotherThreadSets) {
  event_handle e(CreateEventW(NULL, FALSE, FALSE, NULL));
  std::thread setter([&] { SetEvent(e); });
  EXPECT_EQ(WaitForSingleObject(e, INFINITE), WAIT_OBJECT_0);
  setter.join();
}

TEST(Win32Wait, TimedWaitReturnsWaitTimeoutAfterTheInterval) {
  event_handle e(CreateEventW(NULL, TRUE, FALSE, NULL));
  SetLastError(ERROR_INVALID_PARAMETER);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(WaitForSingleObject(e, 50), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER)) << "a timeout is not a failure";
}

TEST(Win32Wait, TimedWaitReturnsBeforeTheIntervalWhenSet) {
  event_handle e(CreateEventW(NULL, FALSE, FALSE, NULL));
  std::thread setter([&] { SetEvent(e); });
  EXPECT_EQ(WaitForSingleObject(e, 60000), WAIT_OBJECT_0);
  setter.join();
}

TEST(Win32Wait, MultipleObjectsWaitAnyReturnsTheLowestSignaledIndex) {
  event_handle a(CreateEventW(NULL, FALSE, FALSE, NULL));
  event_handle b(CreateEventW(NULL, FALSE, TRUE, NULL));
  event_handle c(CreateEventW(NULL, FALSE, TRUE, NULL));
  const HANDLE handles[] = {a, b, c};
  EXPECT_EQ(WaitForMultipleObjects(3, handles, FALSE, 0), WAIT_OBJECT_0 + 1);
  EXPECT_EQ(WaitForSingleObject(c, 0), WAIT_OBJECT_0) << "only the object returned is consumed";
  EXPECT_EQ(WaitForMultipleObjects(3, handles, FALSE, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  std::thread setter([&] { SetEvent(c); });
  EXPECT_EQ(WaitForMultipleObjects(3, handles, FALSE, INFINITE), WAIT_OBJECT_0 + 2);
  setter.join();
}

TEST(Win32Wait, MultipleObjectsWaitAllConsumesAllOrNothing) {
  event_handle automatic(CreateEventW(NULL, FALSE, TRUE, NULL));
  event_handle manual(CreateEventW(NULL, TRUE, FALSE, NULL));
  const HANDLE handles[] = {automatic, manual};
  EXPECT_EQ(WaitForMultipleObjects(2, handles, TRUE, 20), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(WaitForSingleObject(automatic, 0), WAIT_OBJECT_0) << "not consumed by the wait that timed out";
  ASSERT_TRUE(SetEvent(automatic));
  std::thread setter([&] { SetEvent(manual); });
  EXPECT_EQ(WaitForMultipleObjects(2, handles, TRUE, INFINITE), WAIT_OBJECT_0);
  setter.join();
  EXPECT_EQ(WaitForSingleObject(automatic, 0), static_cast<DWORD>(WAIT_TIMEOUT));
  EXPECT_EQ(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
}

TEST(Win32Wait, MultipleObjectsRefusesBadCountsAndDuplicatesInWaitAll) {
  event_handle e(CreateEventW(NULL, TRUE, TRUE, NULL));
  HANDLE many[MAXIMUM_WAIT_OBJECTS + 1];
  for (auto& h : many) h = e;
  SetLastError(ERROR_SUCCESS);
  EXPECT_EQ(WaitForMultipleObjects(0, many, FALSE, 0), WAIT_FAILED);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  SetLastError(ERROR_SUCCESS);
  EXPECT_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, many, FALSE, 0), WAIT_FAILED);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, many, FALSE, 0), WAIT_OBJECT_0) << "duplicates: any";
  SetLastError(ERROR_SUCCESS);
  EXPECT_EQ(WaitForMultipleObjects(2, many, TRUE, 0), WAIT_FAILED);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
}

TEST(Win32Handle, BadHandlesFailWithErrorInvalidHandle) {
  HANDLE closed = CreateEventW(NULL, TRUE, TRUE, NULL);
  ASSERT_TRUE(CloseHandle(closed));
  const HANDLE bad[] = {NULL, closed, INVALID_HANDLE_VALUE, reinterpret_cast<HANDLE>(0x7777)};
  for (HANDLE h : bad) {
    SetLastError(ERROR_SUCCESS);
    EXPECT_FALSE(SetEvent(h));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    SetLastError(ERROR_SUCCESS);
    EXPECT_FALSE(ResetEvent(h));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    SetLastError(ERROR_SUCCESS);
    EXPECT_EQ(WaitForSingleObject(h, INFINITE), WAIT_FAILED) << "fails at once, even with INFINITE";
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
    SetLastError(ERROR_SUCCESS);
    EXPECT_FALSE(CloseHandle(h));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
  }
  event_handle good(CreateEventW(NULL, TRUE, TRUE, NULL));
  const HANDLE mixed[] = {good, closed};
  SetLastError(ERROR_SUCCESS);
  EXPECT_EQ(WaitForMultipleObjects(2, mixed, FALSE, 0), WAIT_FAILED) << "one bad handle fails the whole wait";
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_HANDLE));
}

TEST(Win32Handle, UseAfterCloseFailsEvenOnceNewHandlesExist) {
  HANDLE first = CreateEventW(NULL, TRUE, TRUE, NULL);
  ASSERT_TRUE(CloseHandle(first));
  event_handle second(CreateEventW(NULL, TRUE, TRUE, NULL));
  EXPECT_NE(second.handle, first);
  EXPECT_EQ(WaitForSingleObject(first, 0), WAIT_FAILED);
}

TEST(Win32Event, NamedEventOpensTheExistingOneWithErrorAlreadyExists) {
  event_handle first(CreateEventW(NULL, TRUE, FALSE, L"websock-test-named-event"));
  ASSERT_NE(first.handle, nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
  // The A spelling of the same name, with other parameters: the existing manual-reset event.
  event_handle second(CreateEventA(NULL, FALSE, TRUE, "websock-test-named-event"));
  ASSERT_NE(second.handle, nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
  EXPECT_NE(second.handle, first.handle);
  EXPECT_EQ(WaitForSingleObject(second, 0), static_cast<DWORD>(WAIT_TIMEOUT)) << "bInitialState ignored";
  ASSERT_TRUE(SetEvent(first));
  EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_OBJECT_0);
  EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_OBJECT_0) << "still manual-reset";
}

TEST(Win32Event, NamedEventGoesWithItsLastHandle) {
  HANDLE h = CreateEventW(NULL, TRUE, TRUE, L"websock-test-short-lived");
  ASSERT_TRUE(CloseHandle(h));
  event_handle again(CreateEventW(NULL, TRUE, FALSE, L"websock-test-short-lived"));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
  EXPECT_EQ(WaitForSingleObject(again, 0), static_cast<DWORD>(WAIT_TIMEOUT)) << "a new event";
}

TEST(Win32Handle, ClosingAnotherHandleKeepsTheObject) {
  HANDLE first = CreateEventW(NULL, TRUE, FALSE, L"websock-test-two-handles");
  event_handle second(CreateEventW(NULL, TRUE, FALSE, L"websock-test-two-handles"));
  ASSERT_TRUE(CloseHandle(first));
  ASSERT_TRUE(SetEvent(second));
  EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_OBJECT_0);
}

TEST(Win32Event, ManyThreadsSetAndWaitWithoutLosingSignals) {
  // Producer/consumer over two auto-reset events: every item handed over exactly once.
  event_handle item_ready(CreateEventW(NULL, FALSE, FALSE, NULL));
  event_handle slot_free(CreateEventW(NULL, FALSE, TRUE, NULL));
  constexpr int items = 2000;
  int slot = 0;
  long long sum = 0;
  std::thread consumer([&] {
    for (int i = 0; i < items; ++i) {
      if (WaitForSingleObject(item_ready, 10000) != WAIT_OBJECT_0) return;
      sum += slot;
      SetEvent(slot_free);
    }
  });
  for (int i = 1; i <= items; ++i) {
    ASSERT_EQ(WaitForSingleObject(slot_free, 10000), WAIT_OBJECT_0);
    slot = i;
    SetEvent(item_ready);
  }
  consumer.join();
  EXPECT_EQ(sum, static_cast<long long>(items) * (items + 1) / 2);
}

}  // namespace
