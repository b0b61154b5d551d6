// Rules 56-66 of the IIS WebSocket face (docs/compat/iis.md, "Rules"), each checked in process: a
// module scripted by the test runs in websock::iis::host on loopback, and a raw socket client
// (tests/support/raw_client.hpp) plays the browser, so every byte on the wire is the test's to see.
// Each test runs synchronously (fAsync = FALSE) and asynchronously where the rule has both sides.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <type_traits>

#include "module_harness.hpp"

using namespace iis_test;
using test_support::client_frame;
using test_support::close_payload;
using test_support::header_value;
using test_support::sample_accept;

namespace {

constexpr HRESULT cancelled = static_cast<HRESULT>(0x800703E3);
constexpr HRESULT wrong_state = static_cast<HRESULT>(0x800710DD);

class Rule : public ::testing::TestWithParam<mode>, protected accepting_fixture {
 protected:
  mode m() const { return GetParam(); }
  bool async() const { return GetParam() == mode::async; }

  void finish(test_host& h, handed_request& r) {
    ASSERT_EQ(r.http->PostCompletion(0), S_OK);
    ASSERT_TRUE(h.wait_requests_ended(1));
  }
};

std::string name_of(const ::testing::TestParamInfo<mode>& p) { return mode_name(p.param); }

}  // namespace

// ---- Rule 56: GetNamedContext(L"websockets") is NULL until the 101 is flushed, then the same context.
TEST_P(Rule, R56_NamedContextIsNullUntilThe101IsFlushedThenStaysTheSame) {
  std::atomic<IWebSocketContext*> before{reinterpret_cast<IWebSocketContext*>(1)}, after{nullptr}, again{nullptr};
  module_script s;
  s.execute = [&](IHttpContext& ctx) {
    before = websocket_of(ctx);
    ctx.GetResponse()->SetStatus(101, "Switching Protocols");
    before = before.load() ? before.load() : websocket_of(ctx);  // status set, not flushed: still NULL
    DWORD sent = 0;
    BOOL expected = FALSE;
    EXPECT_EQ(ctx.GetResponse()->Flush(async(), TRUE, &sent, &expected), S_OK);
    after = websocket_of(ctx);
    again = websocket_of(ctx);
    handed.put({&ctx, after});
    return RQ_NOTIFICATION_PENDING;
  };
  test_host h(s);
  handed_request r = open(h);
  EXPECT_EQ(before.load(), nullptr);
  ASSERT_NE(after.load(), nullptr);
  EXPECT_EQ(again.load(), after.load());
  // Later in the request, from another thread, after traffic: still the same one.
  completions done;
  client.socket->send(client_frame(0x1, "hi"));
  EXPECT_EQ(read_fragment(*r.ws, m(), done).data, "hi");
  EXPECT_EQ(websocket_of(*r.http), after.load());
  finish(h, r);
}

// ---- Rule 57: the 101 goes out with Flush(fAsync, fMoreData = TRUE) only; the host adds the handshake.
TEST_P(Rule, R57_FlushWithMoreDataSendsThe101WithTheHandshakeFields) {
  module_script s;
  s.execute = [&](IHttpContext& ctx) {
    // A module's own values for the handshake fields are replaced by the host's.
    ctx.GetResponse()->SetHeader("Sec-WebSocket-Accept", "bogus", 5, TRUE);
    ctx.GetResponse()->SetHeader("X-Module", "yes", 3, TRUE);
    ctx.GetResponse()->SetStatus(101, "Switching Protocols");
    DWORD sent = 0;
    BOOL expected = FALSE;
    EXPECT_EQ(ctx.GetResponse()->Flush(async(), TRUE, &sent, &expected), S_OK);
    handed.put({&ctx, websocket_of(ctx)});
    return RQ_NOTIFICATION_PENDING;
  };
  test_host h(s);
  handed_request r = open(h);
  ASSERT_NE(r.ws, nullptr);
  EXPECT_EQ(client.head.rfind("HTTP/1.1 101 ", 0), 0u) << client.head;
  EXPECT_EQ(header_value(client.head, "Upgrade"), "websocket");
  EXPECT_EQ(header_value(client.head, "Connection"), "Upgrade");
  EXPECT_EQ(header_value(client.head, "Sec-WebSocket-Accept"), sample_accept);
  EXPECT_EQ(client.head.find("bogus"), std::string::npos) << client.head;
  EXPECT_EQ(header_value(client.head, "X-Module"), "yes");
  finish(h, r);
}

TEST_P(Rule, R57_FlushWithoutMoreDataDoesNotUpgrade) {
  std::atomic<bool> null_context{false};
  module_script s;
  s.execute = [&](IHttpContext& ctx) {
    ctx.GetResponse()->SetStatus(101, "Switching Protocols");
    DWORD sent = 0;
    BOOL expected = FALSE;
    EXPECT_EQ(ctx.GetResponse()->Flush(async(), FALSE, &sent, &expected), S_OK);
    null_context = websocket_of(ctx) == nullptr;
    return RQ_NOTIFICATION_FINISH_REQUEST;
  };
  test_host h(s);
  websocket_client c = open_websocket(h.port());
  EXPECT_TRUE(null_context.load());
  EXPECT_EQ(c.head.find(" 101 "), std::string::npos) << c.head;
  EXPECT_EQ(c.head.rfind("HTTP/1.1 500 ", 0), 0u) << c.head;
}

// ---- Rule 58: RQ_NOTIFICATION_PENDING keeps the request alive; PostCompletion(0) (then
// OnAsyncCompletion) or IndicateCompletion(FINISH_REQUEST) ends it.
TEST_P(Rule, R58_PendingKeepsTheRequestAliveUntilItIsCompleted) {
  std::atomic<int> async_completions{0};
  module_script s = accepting();
  s.async_completion = [&](IHttpContext&, IHttpCompletionInfo& info) {
    EXPECT_EQ(info.GetCompletionStatus(), S_OK);
    ++async_completions;
    return RQ_NOTIFICATION_FINISH_REQUEST;
  };
  test_host h(s);
  handed_request r = open(h);
  // Suspended, not ended: the connection still carries messages both ways.
  completions done;
  EXPECT_EQ(write_fragment(*r.ws, m(), done, "still here").hr, S_OK);
  EXPECT_EQ(client.socket->read_frame().payload, "still here");
  EXPECT_EQ(h.requests_ended(), 0u);
  EXPECT_EQ(h.host().live_requests(), 1u);
  // Async: PostCompletion; sync: IndicateCompletion from the thread that holds the request.
  if (async()) {
    ASSERT_EQ(r.http->PostCompletion(0), S_OK);
  } else {
    r.http->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
  }
  ASSERT_TRUE(h.wait_requests_ended(1));
  EXPECT_EQ(async_completions.load(), async() ? 1 : 0);
  // The request is over: the host closes the connection with 1001.
  const auto frame = client.socket->read_frame();
  EXPECT_EQ(frame.first_byte, 0x88u);
  EXPECT_EQ(parse_close(frame).code, 1001);
}

// ---- Rule 59: fAsync = TRUE with a pfCompletionExpected set to FALSE: the result is in the
// out-parameters and no callback fires (sync: the call returns the result, no callback either).
TEST_P(Rule, R59_InlineCompletionFillsTheOutParametersAndFiresNoCallback) {
  completions done;
  std::size_t callbacks_expected = 0;
  std::size_t inline_reads = 0;
  {
    test_host h(accepting());
    handed_request r = open(h);
    // A small write the outbox takes at once completes during the call.
    const op_result w = write_fragment(*r.ws, m(), done, "small");
    EXPECT_EQ(w.hr, S_OK);
    EXPECT_EQ(w.bytes, 5u);
    EXPECT_FALSE(w.by_callback);
    EXPECT_EQ(client.socket->read_frame().payload, "small");
    // One 100-byte message read 10 bytes at a time: once its first piece has come, the rest is
    // already here, so those reads complete during the call.
    client.socket->send(client_frame(0x2, std::string(100, 'x')));
    std::string got;
    for (int i = 0; i < 10; ++i) {
      const op_result p = read_fragment(*r.ws, m(), done, 10);
      ASSERT_EQ(p.hr, S_OK);
      EXPECT_EQ(p.bytes, 10u);
      EXPECT_FALSE(p.utf8);
      EXPECT_EQ(p.final_fragment, i == 9 ? TRUE : FALSE);
      if (p.by_callback) ++callbacks_expected;
      else ++inline_reads;
      got += p.data;
    }
    EXPECT_EQ(got, std::string(100, 'x'));
    EXPECT_GE(inline_reads, 9u);
    finish(h, r);
  }
  // The host is gone (its threads joined): only the operations that said so called back.
  EXPECT_EQ(done.count(), callbacks_expected);
  if (!async()) {
    EXPECT_EQ(done.count(), 0u);
  }
}

// ---- Rule 60: fAsync = TRUE and pfCompletionExpected == NULL: every accepted operation completes
// through the callback, even one that could have completed inline.
TEST_P(Rule, R60_WithoutCompletionExpectedEveryOperationCallsBack) {
  // One recorder per operation: the two callbacks run on the module pool, in either order.
  completions writes, reads;
  test_host h(accepting());
  handed_request r = open(h);
  DWORD size = 5;
  char small[] = "small";
  const std::thread::id caller = std::this_thread::get_id();
  const HRESULT hr = r.ws->WriteFragment(small, &size, async(), TRUE, TRUE, completions::callback, &writes, nullptr);
  EXPECT_EQ(hr, S_OK);
  EXPECT_EQ(client.socket->read_frame().payload, "small");
  client.socket->send(client_frame(0x1, "abc"));
  char buffer[16];
  DWORD cb = sizeof buffer;
  BOOL utf8 = FALSE, fin = FALSE, close = FALSE;
  const HRESULT rhr =
      r.ws->ReadFragment(buffer, &cb, async(), &utf8, &fin, &close, completions::callback, &reads, nullptr);
  EXPECT_EQ(rhr, S_OK);
  if (async()) {
    ASSERT_TRUE(writes.wait_for(1));
    ASSERT_TRUE(reads.wait_for(1));
    EXPECT_EQ(writes.at(0).hr, S_OK);
    EXPECT_EQ(writes.at(0).bytes, 5u);
    EXPECT_EQ(reads.at(0).hr, S_OK);
    EXPECT_EQ(reads.at(0).bytes, 3u);
    EXPECT_TRUE(reads.at(0).utf8);
    EXPECT_TRUE(reads.at(0).final_fragment);
    EXPECT_EQ(std::string(buffer, 3), "abc");
    EXPECT_NE(writes.at(0).thread, caller);  // on the module pool, not inside the call
  } else {
    // Synchronous calls without pfCompletionExpected return the result themselves.
    EXPECT_EQ(cb, 3u);
    EXPECT_EQ(std::string(buffer, 3), "abc");
  }
  finish(h, r);
  EXPECT_EQ(writes.count() + reads.count(), async() ? 2u : 0u);
}

// ---- Rule 61: one ReadFragment and one WriteFragment may be pending at the same time (a second
// of either kind is refused with 0x800710DD).
TEST_P(Rule, R61_OneReadAndOneWriteMayBePendingTogether) {
  completions reads, writes;
  test_host h(accepting());
  handed_request r = open(h);
  mailbox<op_result> read_result;
  std::thread reader;
  char buffer[64];
  BOOL utf8 = FALSE, fin = FALSE, close = FALSE;
  if (async()) {
    DWORD cb = sizeof buffer;
    BOOL expected = FALSE;
    ASSERT_EQ(r.ws->ReadFragment(buffer, &cb, TRUE, &utf8, &fin, &close, completions::callback, &reads, &expected),
              S_OK);
    ASSERT_TRUE(expected) << "nothing was sent: the read must pend";
    // A second read while the first is pending: refused.
    DWORD cb2 = sizeof buffer;
    BOOL expected2 = FALSE;
    EXPECT_EQ(r.ws->ReadFragment(buffer, &cb2, TRUE, &utf8, &fin, &close, completions::callback, &reads, &expected2),
              wrong_state);
  } else {
    reader = std::thread([&] { read_result.put(read_fragment(*r.ws, mode::sync, reads)); });
  }
  // With the read pending (the client has sent nothing, so it cannot have completed), a write.
  const op_result w = write_fragment(*r.ws, m(), writes, "while reading");
  EXPECT_EQ(w.hr, S_OK);
  EXPECT_EQ(client.socket->read_frame().payload, "while reading");
  EXPECT_EQ(reads.count(), 0u);
  // Now the client answers, and the pending read completes with it.
  client.socket->send(client_frame(0x1, "reply"));
  if (async()) {
    ASSERT_TRUE(reads.wait_for(1));
    EXPECT_EQ(reads.at(0).hr, S_OK);
    EXPECT_EQ(std::string(buffer, reads.at(0).bytes), "reply");
  } else {
    auto got = read_result.take();
    reader.join();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->hr, S_OK);
    EXPECT_EQ(got->data, "reply");
  }
  finish(h, r);
}

// ---- Rule 62: a peer close completes the read with fClose; GetCloseStatus then gives the code and
// a UTF-16 reason (1005 and no reason for an empty close).
TEST_P(Rule, R62_PeerCloseEndsTheReadWithFCloseAndGetCloseStatusGivesCodeAndReason) {
  completions done;
  test_host h(accepting());
  handed_request r = open(h);
  USHORT status = 0;
  LPCWSTR reason = nullptr;
  USHORT length = 0;
  EXPECT_EQ(r.ws->GetCloseStatus(&status, &reason, &length), wrong_state);  // nothing received yet
  client.socket->send(client_frame(0x8, close_payload(4001, "bye \xc3\xbc")));  // "bye ü"
  const op_result c = read_fragment(*r.ws, m(), done);
  ASSERT_EQ(c.hr, S_OK);
  EXPECT_TRUE(c.close);
  EXPECT_EQ(c.bytes, 0u);
  ASSERT_EQ(r.ws->GetCloseStatus(&status, &reason, &length), S_OK);
  EXPECT_EQ(status, 4001);
  ASSERT_NE(reason, nullptr);
  EXPECT_EQ(std::wstring(reason), L"bye \u00fc");
  EXPECT_EQ(length, 5u);
  // The module answers the close, as modules do: it succeeds, and the host's answer (sent as the
  // close arrived, with the peer's code) is the only close frame on the wire.
  const op_result answer = send_close(*r.ws, m(), done, status, reason);
  EXPECT_EQ(answer.hr, S_OK);
  const auto frame = client.socket->read_frame();
  EXPECT_EQ(frame.first_byte, 0x88u);
  EXPECT_EQ(parse_close(frame).code, 4001);
  finish(h, r);
}

TEST_P(Rule, R62_EmptyPeerCloseGives1005) {
  completions done;
  test_host h(accepting());
  handed_request r = open(h);
  client.socket->send(client_frame(0x8, ""));
  const op_result c = read_fragment(*r.ws, m(), done);
  ASSERT_EQ(c.hr, S_OK);
  EXPECT_TRUE(c.close);
  USHORT status = 0;
  LPCWSTR reason = nullptr;
  USHORT length = 99;
  ASSERT_EQ(r.ws->GetCloseStatus(&status, &reason, &length), S_OK);
  EXPECT_EQ(status, 1005);
  EXPECT_EQ(length, 0u);
  finish(h, r);
}

// ---- Rule 63: SendConnectionClose takes the status by value (USHORT), and it goes on the wire.
static_assert(std::is_same_v<decltype(&IWebSocketContext::SendConnectionClose),
                             HRESULT (IWebSocketContext::*)(BOOL, USHORT, LPCWSTR, PFN_WEBSOCKET_COMPLETION, VOID*,
                                                            BOOL*)>,
              "rule 63: SendConnectionClose(BOOL fAsync, USHORT uStatusCode, LPCWSTR pszReason, ...)");

TEST_P(Rule, R63_SendConnectionCloseSendsTheStatusGivenByValue) {
  completions done;
  test_host h(accepting());
  handed_request r = open(h);
  // Codes a close frame may not carry are refused.
  EXPECT_EQ(r.ws->SendConnectionClose(FALSE, 1006, nullptr, nullptr, nullptr, nullptr), E_INVALIDARG);
  const op_result c = send_close(*r.ws, m(), done, 4002, L"done \u00fc");
  EXPECT_EQ(c.hr, S_OK);
  const auto frame = client.socket->read_frame();
  EXPECT_EQ(frame.first_byte, 0x88u);
  EXPECT_EQ(parse_close(frame).code, 4002);
  EXPECT_EQ(parse_close(frame).reason, "done \xc3\xbc");
  // The client's answer ends the module's read with fClose.
  client.socket->send(client_frame(0x8, close_payload(4002)));
  const op_result answer = read_fragment(*r.ws, m(), done);
  EXPECT_EQ(answer.hr, S_OK);
  EXPECT_TRUE(answer.close);
  finish(h, r);
}

// ---- Rule 64: IIS_WEBSOCK is "websockets" on a recognised upgrade; WEBSOCKET_VERSION is readable
// only while the WebSocket feature is enabled.
namespace {
struct variables_seen {
  HRESULT websock_hr = S_OK, version_hr = S_OK;
  std::string websock, version;
};

variables_seen variables_of(IHttpContext& ctx) {
  variables_seen v;
  v.websock_hr = server_variable(ctx, "IIS_WEBSOCK", v.websock);
  v.version_hr = server_variable(ctx, "WEBSOCKET_VERSION", v.version);
  return v;
}
}  // namespace

TEST(Rule64, R64_IisWebsockOnRecognisedUpgradesAndWebsocketVersionWhileEnabled) {
  mailbox<variables_seen> seen;
  module_script s;
  s.execute = [&](IHttpContext& ctx) {
    seen.put(variables_of(ctx));
    ctx.GetResponse()->SetStatus(200, "OK");
    return RQ_NOTIFICATION_FINISH_REQUEST;
  };
  test_host h(s);
  {
    websocket_client c = open_websocket(h.port());  // an upgrade request the module answers 200
    auto v = seen.take();
    ASSERT_TRUE(v);
    EXPECT_EQ(v->websock_hr, S_OK);
    EXPECT_EQ(v->websock, "websockets");
    EXPECT_EQ(v->version_hr, S_OK);
    EXPECT_EQ(v->version, "13");
  }
  {
    RawClient plain(h.port());
    plain.send("GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    auto v = seen.take();
    ASSERT_TRUE(v);
    EXPECT_NE(v->websock, "websockets");
    EXPECT_EQ(v->version, "13");  // the feature is on, whatever the request
  }
}

TEST(Rule64, R64_WithTheFeatureDisabledNeitherVariableIsThereAndNoUpgradeHappens) {
  mailbox<variables_seen> seen;
  std::atomic<bool> no_context{false};
  module_script s;
  s.execute = [&](IHttpContext& ctx) {
    seen.put(variables_of(ctx));
    no_context = accept_upgrade(ctx) == nullptr;
    ctx.GetResponse()->SetStatus(403, "Forbidden");
    return RQ_NOTIFICATION_FINISH_REQUEST;
  };
  websock::iis::host_options o;
  o.websocket_enabled = false;
  test_host h(s, o);
  websocket_client c = open_websocket(h.port());
  auto v = seen.take();
  ASSERT_TRUE(v);
  EXPECT_NE(v->websock, "websockets");
  EXPECT_TRUE(FAILED(v->version_hr)) << "WEBSOCKET_VERSION read with the feature off";
  EXPECT_TRUE(no_context.load());
  EXPECT_EQ(c.head.find(" 101 "), std::string::npos) << c.head;
}

// ---- Rule 65: pings (and unsolicited pongs) never surface through ReadFragment; pings are answered.
TEST_P(Rule, R65_PingsAndPongsNeverSurfaceThroughReadFragment) {
  completions done;
  test_host h(accepting());
  handed_request r = open(h);
  // A ping between two fragments of a text message, and a pong after it.
  client.socket->send(client_frame(0x1, "ab", false) + client_frame(0x9, "p1") + client_frame(0x0, "cd") +
                      client_frame(0xA, "u") + client_frame(0x1, "next"));
  const op_result first = read_fragment(*r.ws, m(), done);
  EXPECT_EQ(first.data, "ab");
  EXPECT_FALSE(first.final_fragment);
  const op_result second = read_fragment(*r.ws, m(), done);
  EXPECT_EQ(second.data, "cd");
  EXPECT_TRUE(second.final_fragment);
  const op_result third = read_fragment(*r.ws, m(), done);
  EXPECT_EQ(third.data, "next");
  EXPECT_TRUE(third.utf8);
  // The ping was answered by the host.
  const auto pong = client.socket->read_frame();
  EXPECT_EQ(pong.first_byte, 0x8Au);
  EXPECT_EQ(pong.payload, "p1");
  finish(h, r);
}

// ---- Rule 66: CancelOutstandingIO completes every pending operation once with 0x800703E3, and no
// callback runs after the request has finished.
TEST_P(Rule, R66_CancelOutstandingIoCompletesThePendingReadOnceWithCancelled) {
  completions done;
  test_host h(accepting());
  handed_request r = open(h);
  pending_read read;  // outlives the host
  if (async()) {
    ASSERT_EQ(read.start(*r.ws, completions::callback, &done), S_OK);
    ASSERT_TRUE(read.expected);
    r.ws->CancelOutstandingIO();
    ASSERT_TRUE(done.wait_for(1));
    EXPECT_EQ(done.at(0).hr, cancelled);
  } else {
    mailbox<op_result> result;
    mailbox<bool> started;
    std::thread reader([&] {
      started.put(true);
      result.put(read_fragment(*r.ws, mode::sync, done));
    });
    ASSERT_TRUE(started.take());
    // Cancel until the blocked read has seen it: a cancel that came before the read began finds
    // nothing to cancel (the client sends nothing, so nothing else can end the read).
    std::optional<op_result> got;
    while (!got) {
      r.ws->CancelOutstandingIO();
      got = result.take(10ms);
    }
    reader.join();
    EXPECT_EQ(got->hr, cancelled);
  }
  finish(h, r);
  EXPECT_EQ(done.count(), async() ? 1u : 0u);  // once
}

TEST_P(Rule, R66_CancelOutstandingIoWithAReadAndAWritePendingCompletesEachOnce) {
  completions reads, writes;
  test_host h(accepting());
  handed_request r = open(h);
  // The client reads nothing, so enough writes fill the socket buffers and one stays pending.
  const std::string block(1 << 20, 'w');
  pending_read read;  // outlives the host
  if (async()) {
    ASSERT_EQ(read.start(*r.ws, completions::callback, &reads), S_OK);
    ASSERT_TRUE(read.expected);
    // A write that pends may still complete while the kernel takes bytes; one that has not after
    // a second, with the client reading nothing, is stuck: no event says "the buffers are full".
    bool stuck = false;
    for (int i = 0; i < 512 && !stuck; ++i) {
      DWORD size = static_cast<DWORD>(block.size());
      BOOL wexpected = FALSE;
      const std::size_t before = writes.count();
      ASSERT_EQ(r.ws->WriteFragment(const_cast<char*>(block.data()), &size, TRUE, FALSE, FALSE, completions::callback,
                                    &writes, &wexpected),
                S_OK);
      if (wexpected) stuck = !writes.wait_for(before + 1, 1s);
    }
    ASSERT_TRUE(stuck) << "512 MiB were taken without a write staying pending";
    const std::size_t writes_before = writes.count();
    r.ws->CancelOutstandingIO();
    ASSERT_TRUE(reads.wait_for(1));
    ASSERT_TRUE(writes.wait_for(writes_before + 1));
    EXPECT_EQ(reads.at(0).hr, cancelled);
    EXPECT_EQ(writes.at(writes_before).hr, cancelled);
    finish(h, r);
    EXPECT_EQ(reads.count(), 1u);  // once each
    EXPECT_EQ(writes.count(), writes_before + 1);
  } else {
    // A synchronous read and synchronous writes, each blocked on its own thread, then cancels
    // until both have returned (a cancel before a call blocks finds nothing to cancel).
    mailbox<op_result> read_result, write_result;
    std::thread reader([&] { read_result.put(read_fragment(*r.ws, mode::sync, reads)); });
    std::thread writer([&] {
      for (int i = 0; i < 512; ++i) {
        op_result w = write_fragment(*r.ws, mode::sync, writes, block, FALSE, FALSE);
        if (FAILED(w.hr)) return write_result.put(w);
      }
      write_result.put(op_result{S_OK});
    });
    std::optional<op_result> read_got, write_got;
    while (!read_got || !write_got) {
      r.ws->CancelOutstandingIO();
      if (!read_got) read_got = read_result.take(10ms);
      if (!write_got) write_got = write_result.take(10ms);
    }
    reader.join();
    writer.join();
    EXPECT_EQ(read_got->hr, cancelled);
    EXPECT_EQ(write_got->hr, cancelled);
    finish(h, r);
    EXPECT_EQ(reads.count() + writes.count(), 0u);  // synchronous: no callbacks
  }
}

TEST(Rule66, R66_NoCallbackRunsAfterTheRequestHasFinished) {
  completions done;
  pending_read read;  // outlives the host
  mailbox<handed_request> handed;
  module_script s;
  s.execute = [&](IHttpContext& ctx) {
    handed.put({&ctx, accept_upgrade(ctx)});
    return RQ_NOTIFICATION_PENDING;
  };
  {
    test_host h(s);
    websocket_client c = open_websocket(h.port());
    auto r = handed.take();
    ASSERT_TRUE(r && r->ws);
    ASSERT_EQ(read.start(*r->ws, completions::callback, &done), S_OK);
    ASSERT_TRUE(read.expected);
    // The request ends with the read pending; then the client talks, then closes.
    ASSERT_EQ(r->http->PostCompletion(0), S_OK);
    ASSERT_TRUE(h.wait_requests_ended(1));
    try {
      c.socket->send(client_frame(0x1, "too late"));
      (void)c.socket->read_frame();  // the host's 1001
    } catch (const std::exception&) {
      // the connection may already be gone: either way, nothing may reach the module
    }
  }
  // The host and its threads are gone: the pending read ended without its callback.
  EXPECT_EQ(done.count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, Rule, ::testing::Values(mode::sync, mode::async), name_of);
