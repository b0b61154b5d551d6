// Argument and state checks of single IHttpContext / IHttpResponse calls, in process, as
// docs/compat/iis.md ("Method status") states them: what each refuses and with which HRESULT.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "module_harness.hpp"

using namespace iis_test;

namespace {

constexpr HRESULT already_assigned = static_cast<HRESULT>(0x80070055);

// A stored context that counts its cleanup.
class counted_context final : public IHttpStoredContext {
 public:
  VOID CleanupStoredContext() override { ++cleanups; }
  int cleanups = 0;
};

// Runs `calls` inside RQ_EXECUTE_REQUEST_HANDLER of one plain request and returns its results.
std::vector<HRESULT> results_of(std::function<std::vector<HRESULT>(IHttpContext&)> calls) {
  mailbox<std::vector<HRESULT>> seen;
  module_script s;
  s.execute = [&](IHttpContext& ctx) {
    seen.put(calls(ctx));
    ctx.GetResponse()->SetStatus(200, "OK");
    return RQ_NOTIFICATION_FINISH_REQUEST;
  };
  test_host h(s);
  RawClient plain(h.port());
  plain.send("GET /calls HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto got = seen.take();
  EXPECT_TRUE(got);
  EXPECT_TRUE(h.wait_requests_ended(1));
  return got ? *got : std::vector<HRESULT>{};
}

}  // namespace

// Status codes an HTTP/1.1 final status line can carry, and 101; a module gets E_INVALIDARG for
// the rest (before, 600-999 were accepted and became a 500 on the wire).
TEST(IHttpResponse, SetStatusTakesFinalStatusesAnd101Only) {
  const auto r = results_of([](IHttpContext& ctx) {
    IHttpResponse* resp = ctx.GetResponse();
    return std::vector<HRESULT>{resp->SetStatus(99, "x"),  resp->SetStatus(100, "x"), resp->SetStatus(150, "x"),
                                resp->SetStatus(600, "x"), resp->SetStatus(999, "x"), resp->SetStatus(101, "x"),
                                resp->SetStatus(200, "x"), resp->SetStatus(599, "x")};
  });
  const std::vector<HRESULT> expected{E_INVALIDARG, E_INVALIDARG, E_INVALIDARG, E_INVALIDARG,
                                      E_INVALIDARG, S_OK,         S_OK,         S_OK};
  EXPECT_EQ(r, expected);
}

// "websockets" is the host's name (rule 56: it appears with the 101, never before); a name taken
// twice gives ERROR_ALREADY_ASSIGNED; the stored contexts are cleaned up when the request ends.
TEST(INamedContextContainer, SetNamedContextRefusesTheHostsNameAndATakenOne) {
  counted_context mine, other;
  const auto r = results_of([&](IHttpContext& ctx) {
    IHttpContext3* ctx3 = nullptr;
    EXPECT_EQ(HttpGetExtendedInterface(detail::server, &ctx, &ctx3), S_OK);
    INamedContextContainer* named = ctx3->GetNamedContextContainer();
    std::vector<HRESULT> out{named->SetNamedContext(&other, IIS_WEBSOCKET), named->SetNamedContext(&mine, L"mine"),
                             named->SetNamedContext(&other, L"mine")};
    EXPECT_EQ(named->GetNamedContext(IIS_WEBSOCKET), nullptr);
    EXPECT_EQ(named->GetNamedContext(L"mine"), &mine);
    return out;
  });
  const std::vector<HRESULT> expected{E_INVALIDARG, S_OK, already_assigned};
  EXPECT_EQ(r, expected);
  EXPECT_EQ(mine.cleanups, 1);
  EXPECT_EQ(other.cleanups, 0);
}

TEST(IHttpModuleContextContainer, SetModuleContextTwiceGivesAlreadyAssigned) {
  counted_context first, second;
  int id_owner = 0;
  const auto r = results_of([&](IHttpContext& ctx) {
    IHttpModuleContextContainer* c = ctx.GetModuleContextContainer();
    return std::vector<HRESULT>{c->SetModuleContext(&first, &id_owner), c->SetModuleContext(&second, &id_owner),
                                c->SetModuleContext(nullptr, &id_owner)};
  });
  const std::vector<HRESULT> expected{S_OK, already_assigned, E_INVALIDARG};
  EXPECT_EQ(r, expected);
  EXPECT_EQ(first.cleanups, 1);
  EXPECT_EQ(second.cleanups, 0);
}
