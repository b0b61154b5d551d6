// Autobahn group 10: a message the fuzzer auto-fragments at 1300 bytes.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

TEST(autobahn_10, case_10_1_1_auto_fragmented_text) {
  fuzzer fz;
  echo_peer peer;
  const bytes payload = repeat("*", 65536);
  std::vector<bytes> frames;
  const std::span<const std::byte> all{payload};
  for (std::size_t at = 0; at < payload.size(); at += 1300) {
    const std::size_t n = std::min<std::size_t>(1300, payload.size() - at);
    frames.push_back(fz.frame(at == 0 ? op::text : op::continuation, all.subspan(at, n), at + n == payload.size()));
  }
  // The case's self-check: 1 text frame + 50 continuations, the last one 536 bytes.
  ASSERT_EQ(frames.size(), 51u);
  EXPECT_EQ(frames.back().size(), 2 + 2 + 4 + 536u);
  peer.write_frames(frames);
  EXPECT_EQ(peer.received, (observed_list{text(payload)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

}  // namespace
}  // namespace websock::test::autobahn
