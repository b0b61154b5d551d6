// The bytes of each per-connection structure of a server (docs/benchmarks.md, "Idle memory"):
// these tests fail when one grows, so that a new member is a decision, not an accident. The heap
// measure per idle connection is Memory.IdleConnectionHeap (tests/api/memory_test.cpp).
#include <gtest/gtest.h>

#include "api/session.hpp"
#include "channel/channel.hpp"
#include "http/front.hpp"
#include "net/stream.hpp"
#include "websock/core/connection.hpp"

namespace websock::test {
namespace {

TEST(MemoryLayout, PerConnectionStructuresDoNotGrow) {
  // Recorded on x86-64 with libstdc++ (Debian 12); the bound is the size the issue left them at.
  RecordProperty("sizeof_channel", static_cast<int>(sizeof(runtime::channel)));
  RecordProperty("sizeof_core_connection", static_cast<int>(sizeof(core::connection)));
  RecordProperty("sizeof_session", static_cast<int>(sizeof(detail::session)));
  RecordProperty("sizeof_front", static_cast<int>(sizeof(http::front)));
  RecordProperty("sizeof_any_stream", static_cast<int>(sizeof(net::any_stream)));
  std::printf("channel %zu (core::connection %zu, any_stream %zu), session %zu, front %zu\n",
              sizeof(runtime::channel), sizeof(core::connection), sizeof(net::any_stream),
              sizeof(detail::session), sizeof(http::front));
  EXPECT_LE(sizeof(runtime::channel), 1360u);
  EXPECT_LE(sizeof(core::connection), 592u);
  EXPECT_LE(sizeof(detail::session), 184u);
  EXPECT_LE(sizeof(http::front), 1016u);
}

// A plain TCP connection does not pay for TLS: the SSL stream (about 440 bytes) is held out of line.
TEST(MemoryLayout, PlainStreamsDoNotCarryTheTlsStreamInline) {
  EXPECT_LE(sizeof(net::any_stream), sizeof(net::tcp::socket) + 16);
  EXPECT_LT(sizeof(net::any_stream), sizeof(net::tls_socket::stream_type));
}

}  // namespace
}  // namespace websock::test
