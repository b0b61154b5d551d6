// Autobahn group 1: framing. Text and binary frames with every payload length form, echoed byte
// for byte; 1.1.8 and 1.2.8 arrive in 997-byte writes.
#include <gtest/gtest.h>

#include "autobahn_driver.hpp"

namespace websock::test::autobahn {
namespace {

struct framing_case {
  const char* id;
  bool text;
  std::size_t size;
  std::size_t chop;  // 0: one write
};

class autobahn_1 : public ::testing::TestWithParam<framing_case> {};

TEST_P(autobahn_1, echoes_byte_for_byte) {
  const auto& c = GetParam();
  fuzzer fz;
  echo_peer peer;
  const bytes payload = c.text ? repeat("*", c.size) : repeat_byte(0xFE, c.size);
  const bytes frame = fz.frame(c.text ? op::text : op::binary, payload);
  // 7-bit length up to 125, 16-bit up to 65535, 64-bit beyond.
  const std::size_t header = c.size <= 125 ? 2 : c.size <= 65535 ? 4 : 10;
  ASSERT_EQ(frame.size(), header + 4 + c.size);
  peer.write(frame, c.chop);
  EXPECT_EQ(peer.received, (observed_list{c.text ? text(payload) : binary(payload)}));
  expect_fuzzer_closes_cleanly(peer, fz);
}

const framing_case cases[] = {
    {"1.1.1", true, 0, 0},       {"1.1.2", true, 125, 0},    {"1.1.3", true, 126, 0},
    {"1.1.4", true, 127, 0},     {"1.1.5", true, 128, 0},    {"1.1.6", true, 65535, 0},
    {"1.1.7", true, 65536, 0},   {"1.1.8", true, 65536, 997},
    {"1.2.1", false, 0, 0},      {"1.2.2", false, 125, 0},   {"1.2.3", false, 126, 0},
    {"1.2.4", false, 127, 0},    {"1.2.5", false, 128, 0},   {"1.2.6", false, 65535, 0},
    {"1.2.7", false, 65536, 0},  {"1.2.8", false, 65536, 997},
};

INSTANTIATE_TEST_SUITE_P(framing, autobahn_1, ::testing::ValuesIn(cases),
                         [](const ::testing::TestParamInfo<framing_case>& p) { return case_name(p.param.id); });

}  // namespace
}  // namespace websock::test::autobahn
