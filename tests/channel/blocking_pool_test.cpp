// net::blocking_pool::join, which the IIS module host relies on: host::~host joins the module
// pool before it lets go of the host's state, so that the last reference to that state (held
// by a task that has just finished a request) is never dropped on a pool thread, which would then
// destroy the pool it runs on (and join itself).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>

#include "net/blocking_pool.hpp"

namespace websock::test {
namespace {

TEST(blocking_pool, join_runs_the_queue_then_no_thread_holds_a_capture) {
  auto shared = std::make_shared<int>(0);
  const std::weak_ptr<int> watch = shared;
  std::atomic<int> ran{0};
  net::blocking_pool pool(4);
  for (int i = 0; i < 16; ++i) {
    pool.post([shared, &ran, &pool] {
      ++ran;
      pool.post([shared, &ran] { ++ran; });  // queued by a task, maybe while join() waits: still runs
    });
  }
  shared.reset();  // from here only the tasks hold it
  pool.join();
  EXPECT_EQ(ran.load(), 32);
  EXPECT_TRUE(watch.expired());
  pool.join();  // again: nothing left to do
}

}  // namespace
}  // namespace websock::test
