// The IIS face's faults (docs/compat/iis.md, "Faults"), in process: a client that vanishes in the
// middle of a message or never answers the close, CancelOutstandingIO racing the peer and the end
// of the request, a module that never finishes its request, CloseTcpConnection with a read and a
// write pending, and shared objects the host must refuse. Whatever happens, each accepted
// operation completes exactly once (or, once the request is over, not at all), no module code
// runs after a request's cleanup, and every request is cleaned up: ASan/LSan and TSan run these.
#include <gtest/gtest.h>

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "module_harness.hpp"

using namespace iis_test;
using test_support::client_frame;

namespace {

constexpr HRESULT peer_gone = static_cast<HRESULT>(0x80070040);  // the client went away
constexpr HRESULT our_drop = static_cast<HRESULT>(0x800704D4);   // CloseTcpConnection
constexpr HRESULT cancelled = static_cast<HRESULT>(0x800703E3);  // CancelOutstandingIO

// How a client leaves without a close frame: close() (FIN), or close() with SO_LINGER 0 (RST).
enum class vanish { fin, rst };

void drop_client(websocket_client& c, vanish how) {
  if (how == vanish::rst) {
    const linger now{1, 0};
    ASSERT_EQ(::setsockopt(c.socket->fd(), SOL_SOCKET, SO_LINGER, &now, sizeof now), 0);
  }
  c.socket.reset();  // RawClient's destructor closes the descriptor
}

// True once the server has ended the connection: whatever it had sent is read, then end of
// stream or a reset. False if it stayed open for RawClient's read timeout (10 s).
bool connection_ends(RawClient& c) {
  char chunk[1 << 16];
  for (;;) {
    const ssize_t got = ::recv(c.fd(), chunk, sizeof chunk, 0);
    if (got > 0) continue;
    if (got == 0) return true;
    if (errno == EINTR) continue;
    return errno == ECONNRESET;
  }
}

// The part every fault test shares: a module that accepts the upgrade and hands the request to
// the test (which plays the module from then on), and a count of the host's cleanups.
class Faults : public ::testing::Test, protected accepting_fixture {
 protected:
  // The module finishes the request; the host runs RQ_END_REQUEST, then cleans up (Dispose).
  void finish_and_clean_up(test_host& h, handed_request& r, std::size_t ended_before = 0) {
    ASSERT_EQ(r.http->PostCompletion(0), S_OK);
    ASSERT_TRUE(h.wait_requests_ended(ended_before + 1));
    ASSERT_TRUE(h.host().wait_live_requests(0, patience));
  }
};

}  // namespace

// ---- 1. The client vanishes in the middle of a message, while the module reads.
class ClientVanishes : public Faults, public ::testing::WithParamInterface<std::tuple<mode, vanish>> {};

TEST_P(ClientVanishes, MidMessageThePendingReadFailsOnceWithPeerGoneAndTheRequestIsCleanedUp) {
  const auto [m, how] = GetParam();
  completions done;
  pending_read second;
  mailbox<op_result> sync_reads;  // what a synchronous module's reads returned, in order
  module_script s = accepting();
  if (m == mode::sync) {
    // A synchronous module reads in its handler until a read fails, then finishes the request.
    s.execute = [&](IHttpContext& ctx) {
      IWebSocketContext* ws = accept_upgrade(ctx);
      handed.put({&ctx, ws});
      for (bool failed = ws == nullptr; !failed;) {
        op_result r = read_fragment(*ws, mode::sync, done);
        failed = FAILED(r.hr);
        sync_reads.put(std::move(r));
      }
      return RQ_NOTIFICATION_FINISH_REQUEST;
    };
  }
  test_host h(s);
  handed_request r = open(h);
  ASSERT_NE(r.ws, nullptr);
  // The first fragment of a text message, then the first two bytes of the second one.
  client.socket->send(client_frame(0x1, "first", false));
  const std::optional<op_result> first = m == mode::sync ? sync_reads.take() : read_fragment(*r.ws, m, done);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->hr, S_OK);
  EXPECT_EQ(first->data, "first");
  EXPECT_TRUE(first->utf8);
  EXPECT_FALSE(first->final_fragment);
  client.socket->send(client_frame(0x0, "second", false).substr(0, 2));
  const std::size_t before = done.count();
  if (m == mode::async) {
    ASSERT_EQ(second.start(*r.ws, completions::callback, &done), S_OK);
    ASSERT_TRUE(second.expected) << "no fragment is complete: the read must pend";
  }
  drop_client(client, how);
  if (m == mode::async) {
    ASSERT_TRUE(done.wait_for(before + 1));
    EXPECT_EQ(done.at(before).hr, peer_gone);
    finish_and_clean_up(h, r);
  } else {
    const auto failed = sync_reads.take();
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->hr, peer_gone);
    ASSERT_TRUE(h.wait_requests_ended(1));
    ASSERT_TRUE(h.host().wait_live_requests(0, patience));
  }
  EXPECT_EQ(disposed.load(), 1);
  // Cleaned up: nothing can call back any more, so this count is final. Once for the failed read.
  EXPECT_EQ(done.count(), before + (m == mode::async ? 1 : 0));
}

INSTANTIATE_TEST_SUITE_P(Modes, ClientVanishes,
                         ::testing::Combine(::testing::Values(mode::sync, mode::async),
                                            ::testing::Values(vanish::fin, vanish::rst)),
                         [](const auto& p) {
                           return mode_name(std::get<0>(p.param)) +
                                  (std::get<1>(p.param) == vanish::fin ? "Close" : "Reset");
                         });

// ---- 2. The client never answers the module's close.
class CloseNeverAnswered : public Faults, public ::testing::WithParamInterface<mode> {};

TEST_P(CloseNeverAnswered, TheHostDropsTheConnectionAfterCloseTimeoutAndThePendingReadFailsOnce) {
  websock::iis::host_options o;
  o.close_timeout = std::chrono::milliseconds(200);
  completions done;
  test_host h(accepting(), o);
  handed_request r = open(h);
  ASSERT_NE(r.ws, nullptr);
  const auto closed_at = std::chrono::steady_clock::now();
  const op_result c = send_close(*r.ws, GetParam(), done, 1000, L"bye");
  ASSERT_EQ(c.hr, S_OK);
  const auto frame = client.socket->read_frame();
  EXPECT_EQ(frame.first_byte, 0x88u);
  EXPECT_EQ(parse_close(frame).code, 1000);
  // The client reads the close and says nothing: the read waits until the host gives up.
  const op_result answer = read_fragment(*r.ws, GetParam(), done);
  EXPECT_EQ(answer.hr, peer_gone);
  EXPECT_FALSE(answer.close);
  EXPECT_GE(std::chrono::steady_clock::now() - closed_at, o.close_timeout / 2) << "it did not wait for the answer";
  EXPECT_TRUE(connection_ends(*client.socket));
  finish_and_clean_up(h, r);
  EXPECT_EQ(disposed.load(), 1);
  EXPECT_EQ(done.count(), std::size_t{c.by_callback} + std::size_t{answer.by_callback});  // once each
}

INSTANTIATE_TEST_SUITE_P(Modes, CloseNeverAnswered, ::testing::Values(mode::sync, mode::async),
                         [](const auto& p) { return mode_name(p.param); });

// ---- 3. CancelOutstandingIO racing with the peer's data (the request goes on).
class CancelRaces : public Faults, public ::testing::WithParamInterface<mode> {};

TEST_P(CancelRaces, WithThePeersDataTheReadCompletesOnceAndNoByteIsLost) {
  constexpr int rounds = 200;
  completions done;
  std::size_t callbacks = 0;  // the completions that said they would call back
  int data_first = 0, cancel_first = 0;
  pending_read read;  // outlives the host: a read may still be outstanding if an assertion fails
  test_host h(accepting());
  handed_request r = open(h);
  ASSERT_NE(r.ws, nullptr);
  for (int i = 0; i < rounds; ++i) {
    const std::string text = "message " + std::to_string(i);
    op_result got;
    if (GetParam() == mode::async) {
      const std::size_t before = done.count();
      ASSERT_EQ(read.start(*r.ws, completions::callback, &done), S_OK);
      ASSERT_TRUE(read.expected) << "nothing was sent yet: the read must pend";
      std::thread peer([&] { client.socket->send(client_frame(0x1, text)); });
      r.ws->CancelOutstandingIO();
      peer.join();
      ASSERT_TRUE(done.wait_for(before + 1));
      const completion c = done.at(before);
      ++callbacks;
      got.hr = c.hr;
      if (SUCCEEDED(c.hr)) got.data.assign(read.buffer, c.bytes);
    } else {
      mailbox<op_result> result;
      std::thread reader([&] { result.put(read_fragment(*r.ws, mode::sync, done)); });
      std::thread peer([&] { client.socket->send(client_frame(0x1, text)); });
      r.ws->CancelOutstandingIO();  // may come before the read blocks: then it finds nothing
      peer.join();
      auto res = result.take();
      reader.join();
      ASSERT_TRUE(res);
      got = *res;
    }
    if (got.hr == S_OK) {
      ++data_first;
      EXPECT_EQ(got.data, text);
      continue;
    }
    ++cancel_first;
    ASSERT_EQ(got.hr, cancelled);
    // The cancel won: the message waits for the next read, whole.
    const op_result again = read_fragment(*r.ws, GetParam(), done);
    callbacks += again.by_callback ? 1 : 0;
    ASSERT_EQ(again.hr, S_OK);
    EXPECT_EQ(again.data, text);
  }
  std::printf("%d rounds: the data first %d times, the cancel first %d times\n", rounds, data_first, cancel_first);
  finish_and_clean_up(h, r);
  EXPECT_EQ(done.count(), callbacks);  // exactly once each
}

INSTANTIATE_TEST_SUITE_P(Modes, CancelRaces, ::testing::Values(mode::sync, mode::async),
                         [](const auto& p) { return mode_name(p.param); });

// ---- 3b. CancelOutstandingIO racing with the peer's data and with the end of the request. The
// module cancels on one thread while another finishes the request (PostCompletion; its
// OnAsyncCompletion returns FINISH_REQUEST once the cancel has returned, since the request's
// objects are only the module's to use until then). The read completes once, or never if the
// request ended first, and its callback never runs after the cleanup.
namespace {
struct racing_read {
  pending_read read;
  std::atomic<bool> cleaned{false};  // Dispose ran
  std::atomic<int> calls{0};
  std::atomic<int> late{0};  // callbacks that ran after Dispose
  std::atomic<HRESULT> hr{S_OK};
  std::atomic<DWORD> bytes{0};

  static VOID WINAPI callback(HRESULT hr, VOID* context, DWORD bytes, BOOL, BOOL, BOOL) {
    auto* self = static_cast<racing_read*>(context);
    if (self->cleaned.load()) ++self->late;
    self->hr = hr;
    self->bytes = bytes;
    ++self->calls;
  }
};
}  // namespace

TEST_F(Faults, CancelRacingTheRequestsEndCompletesTheReadAtMostOnceAndNeverAfterCleanup) {
  constexpr int rounds = 50;
  std::atomic<racing_read*> current{nullptr};
  mailbox<bool> cancel_returned;
  int completed = 0, silent = 0;
  module_script s = accepting();
  s.dispose = [&] {
    ++disposed;
    current.load()->cleaned = true;
  };
  s.async_completion = [&](IHttpContext&, IHttpCompletionInfo&) {
    EXPECT_TRUE(cancel_returned.take());
    return RQ_NOTIFICATION_FINISH_REQUEST;
  };
  std::vector<std::unique_ptr<racing_read>> races;  // outlive the host, whatever fails
  test_host h(s);
  for (int i = 0; i < rounds; ++i) {
    racing_read& race = *races.emplace_back(std::make_unique<racing_read>());
    current = &race;
    handed_request r = open(h);
    ASSERT_NE(r.ws, nullptr);
    ASSERT_EQ(race.read.start(*r.ws, racing_read::callback, &race), S_OK);
    ASSERT_TRUE(race.read.expected);
    std::thread peer([&] {
      try {
        client.socket->send(client_frame(0x1, "race"));
      } catch (const std::exception&) {
        // the host may have dropped the connection already: the race is over either way
      }
    });
    std::thread canceller([&] {
      r.ws->CancelOutstandingIO();
      cancel_returned.put(true);
    });
    ASSERT_EQ(r.http->PostCompletion(0), S_OK);
    peer.join();
    canceller.join();
    ASSERT_TRUE(h.wait_requests_ended(static_cast<std::size_t>(i) + 1));
    ASSERT_TRUE(h.host().wait_live_requests(0, patience));
    ASSERT_TRUE(race.cleaned.load());
    EXPECT_EQ(race.late.load(), 0) << "round " << i << ": a callback ran after the request was cleaned up";
    ASSERT_LE(race.calls.load(), 1) << "round " << i;
    if (race.calls.load() == 1) {
      ++completed;
      const HRESULT hr = race.hr.load();
      EXPECT_TRUE(hr == S_OK || hr == cancelled) << "round " << i << ": 0x" << std::hex << hr;
      if (hr == S_OK) {
        EXPECT_EQ(std::string(race.read.buffer, race.bytes.load()), "race");
      }
    } else {
      ++silent;
    }
    client = {};  // the client leaves; the host already sent its 1001
  }
  std::printf("%d rounds: the read completed %d times, ended silently %d times\n", rounds, completed, silent);
  EXPECT_EQ(disposed.load(), rounds);
  current = nullptr;
}

// ---- 4. A module that never finishes its request after the client went away.
TEST_F(Faults, AModuleThatNeverFinishesIsCleanedUpAfterTheGrace) {
  websock::iis::host_options o;
  o.abandoned_request_grace = std::chrono::milliseconds(100);
  completions done;
  pending_read read;
  module_script s = accepting();
  // The module reads, and does nothing when the read fails: it never calls PostCompletion or
  // IndicateCompletion. (Its read is how the host learns that the client went: a pull-mode
  // channel reads the socket only for an outstanding read.)
  s.execute = [&](IHttpContext& ctx) {
    IWebSocketContext* ws = accept_upgrade(ctx);
    if (ws) {
      EXPECT_EQ(read.start(*ws, completions::callback, &done), S_OK);
    }
    handed.put({&ctx, ws});
    return RQ_NOTIFICATION_PENDING;
  };
  test_host h(s, o);
  handed_request r = open(h);
  ASSERT_NE(r.ws, nullptr);
  ASSERT_TRUE(read.expected);
  drop_client(client, vanish::fin);
  ASSERT_TRUE(done.wait_for(1));
  EXPECT_EQ(done.at(0).hr, peer_gone);
  EXPECT_TRUE(h.wait_for_log("the module did not finish the request after its connection ended; cleaned up"));
  ASSERT_TRUE(h.host().wait_live_requests(0, patience));
  EXPECT_EQ(disposed.load(), 1);
  EXPECT_EQ(done.count(), 1u);
  // The module did not finish it, so the pipeline never resumed: no RQ_END_REQUEST.
  EXPECT_EQ(h.requests_ended(), 0u);
}

// ---- 6. CloseTcpConnection while a read and a write are pending.
class CloseTcpConnection : public Faults, public ::testing::WithParamInterface<mode> {};

namespace {
// A synchronous writer's progress: a write that has begun and not ended for a second, while the
// client reads nothing, is blocked on full socket buffers (no event says so).
struct write_progress {
  std::mutex m;
  std::condition_variable cv;
  int begun = 0, ended = 0;
  void note(int& counter) {
    std::lock_guard lock(m);
    ++counter;
    cv.notify_all();
  }
  bool wait_stuck() {
    std::unique_lock lock(m);
    for (int i = 0; i < 512; ++i) {
      if (!cv.wait_for(lock, patience, [&] { return begun > ended; })) return false;
      const int k = begun;
      if (!cv.wait_for(lock, std::chrono::seconds(1), [&] { return ended >= k; })) return true;
    }
    return false;
  }
};
}  // namespace

TEST_P(CloseTcpConnection, WithAReadAndAWritePendingEachCompletesOnceWithOurDrop) {
  completions reads, writes;
  const std::string block(1 << 20, 'w');
  pending_read read;  // outlives the host
  test_host h(accepting());
  handed_request r = open(h);
  ASSERT_NE(r.ws, nullptr);
  if (GetParam() == mode::async) {
    ASSERT_EQ(read.start(*r.ws, completions::callback, &reads), S_OK);
    ASSERT_TRUE(read.expected);
    // The client reads nothing, so enough writes fill the socket buffers and one stays pending
    // (one still pending after a second is stuck: no event says "the buffers are full").
    bool stuck = false;
    for (int i = 0; i < 512 && !stuck; ++i) {
      DWORD size = static_cast<DWORD>(block.size());
      BOOL expected = FALSE;
      const std::size_t before = writes.count();
      ASSERT_EQ(r.ws->WriteFragment(const_cast<char*>(block.data()), &size, TRUE, FALSE, FALSE, completions::callback,
                                    &writes, &expected),
                S_OK);
      if (expected) stuck = !writes.wait_for(before + 1, std::chrono::seconds(1));
    }
    ASSERT_TRUE(stuck) << "512 MiB were taken without a write staying pending";
    const std::size_t writes_before = writes.count();
    r.ws->CloseTcpConnection();
    ASSERT_TRUE(reads.wait_for(1));
    ASSERT_TRUE(writes.wait_for(writes_before + 1));
    EXPECT_EQ(reads.at(0).hr, our_drop);
    EXPECT_EQ(writes.at(writes_before).hr, our_drop);
    EXPECT_TRUE(connection_ends(*client.socket));
    finish_and_clean_up(h, r);
    EXPECT_EQ(reads.count(), 1u);  // once each, and nothing after the cleanup
    EXPECT_EQ(writes.count(), writes_before + 1);
  } else {
    // A synchronous read on one thread, synchronous writes on another until one blocks.
    mailbox<op_result> read_result, write_result;
    write_progress progress;
    std::thread reader([&] { read_result.put(read_fragment(*r.ws, mode::sync, reads)); });
    std::thread writer([&] {
      for (int i = 0; i < 512; ++i) {
        progress.note(progress.begun);
        op_result w = write_fragment(*r.ws, mode::sync, writes, block, FALSE, FALSE);
        progress.note(progress.ended);
        if (FAILED(w.hr)) return write_result.put(w);
      }
      write_result.put(op_result{S_OK});
    });
    const bool stuck = progress.wait_stuck();
    // The read cannot have ended (the client sends nothing); one that had not begun yet would
    // fail the same way, on a connection already dropped.
    r.ws->CloseTcpConnection();
    auto read_got = read_result.take();
    auto write_got = write_result.take();
    reader.join();
    writer.join();
    ASSERT_TRUE(stuck) << "no synchronous write stayed blocked";
    ASSERT_TRUE(read_got && write_got);
    EXPECT_EQ(read_got->hr, our_drop);
    EXPECT_EQ(write_got->hr, our_drop);
    EXPECT_TRUE(connection_ends(*client.socket));
    finish_and_clean_up(h, r);
    EXPECT_EQ(reads.count() + writes.count(), 0u);  // synchronous: no callbacks
  }
  EXPECT_EQ(disposed.load(), 1);
}

INSTANTIATE_TEST_SUITE_P(Modes, CloseTcpConnection, ::testing::Values(mode::sync, mode::async),
                         [](const auto& p) { return mode_name(p.param); });

// ---- 5. Shared objects the host must refuse: host::load_module throws host_error naming the file
// and the reason, and the host, with no module, does not start.
namespace {
void expect_refused(const std::string& path, const std::string& reason) {
  websock::iis::host h({});
  try {
    h.load_module(path);
    ADD_FAILURE() << path << " was loaded";
  } catch (const websock::iis::host_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find(reason), std::string::npos) << what;
  }
  EXPECT_THROW(h.start(), websock::iis::host_error);  // nothing was registered
  EXPECT_EQ(h.live_requests(), 0u);
}
}  // namespace

TEST(BadModule, AFileThatDoesNotExist) {
  expect_refused(std::string(WEBSOCK_TEST_BAD_MODULE_DIR) + "/no_such_module.so", "cannot load");
}

TEST(BadModule, NoRegisterModuleExport) {
  expect_refused(WEBSOCK_TEST_NO_ENTRY_MODULE, "does not export RegisterModule");
}

TEST(BadModule, RegisterModuleFails) {
  expect_refused(WEBSOCK_TEST_FAILING_REGISTER_MODULE, "RegisterModule failed with 0x80070005");
}

TEST(BadModule, RegisterModuleSubscribesToNothing) {
  expect_refused(WEBSOCK_TEST_SILENT_MODULE, "subscribed to no request notification");
}

// ---- 2b. The client answers the host's close after the request ended: the connection ends at
// once (the server closes TCP first, RFC 6455 7.1.1), not when close_timeout runs out.
TEST_F(Faults, AClientAnsweringTheHostsCloseAfterTheRequestEndedSeesTheConnectionEndAtOnce) {
  websock::iis::host_options o;
  o.close_timeout = std::chrono::seconds(5);  // far longer than the answer may take
  test_host h(accepting(), o);
  handed_request r = open(h);
  ASSERT_NE(r.ws, nullptr);
  finish_and_clean_up(h, r);
  const auto frame = client.socket->read_frame();
  ASSERT_EQ(frame.first_byte, 0x88u);
  EXPECT_EQ(parse_close(frame).code, 1001);
  const auto answered = std::chrono::steady_clock::now();
  client.socket->send(client_frame(0x8, test_support::close_payload(1001)));
  EXPECT_TRUE(connection_ends(*client.socket));
  EXPECT_LT(std::chrono::steady_clock::now() - answered, o.close_timeout / 2)
      << "the host did not read the client's answer and waited for close_timeout";
  EXPECT_EQ(disposed.load(), 1);
}

// ---- The host goes right after a request's cleanup: the pool thread that ran the cleanup may
// still be finishing its task (and hold the request, which holds the host's state). The host's
// destructor must wait for it, not leave that thread to destroy the pool it runs on.
TEST_F(Faults, TheHostCanGoRightAfterASynchronousModuleFinished) {
  constexpr int rounds = 100;
  for (int i = 0; i < rounds; ++i) {
    module_script s;
    s.execute = [](IHttpContext& ctx) {
      (void)accept_upgrade(ctx);
      return RQ_NOTIFICATION_FINISH_REQUEST;  // the whole request on one pool thread
    };
    s.dispose = [this] { ++disposed; };
    test_host h(s);
    websocket_client c = open_websocket(h.port());
    ASSERT_TRUE(h.host().wait_live_requests(0, patience));
  }
  EXPECT_EQ(disposed.load(), rounds);
}
