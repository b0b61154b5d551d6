// Autobahn group 13: permessage-deflate with each set of parameters the group negotiates (13.1 the
// default, 13.2 no context takeover, 13.3/13.4 windows of 9 and 15 bits, 13.5/13.6 both, 13.7 three
// offers in order of preference), on the JSON data set at the 18 sizes and fragmentations of the
// group, the engine as server (the fuzzer offers) and as client (the fuzzer answers).
#include "autobahn_deflate_driver.hpp"

namespace websock::test::autobahn::pmd {
namespace {

struct params_case {
  engine_role role;
  std::size_t negotiation;  // index into negotiation_cases()
  sub_case sc;
};

class Autobahn13 : public ::testing::TestWithParam<params_case> {};

TEST_P(Autobahn13, EchoesEveryMessageWithTheNegotiatedParameters) {
  const auto& p = GetParam();
  run_case(p.role, negotiation_cases()[p.negotiation], data_sets()[0], p.sc);
}

std::vector<params_case> all_cases() {
  std::vector<params_case> out;
  for (auto role : {engine_role::server, engine_role::client}) {
    for (std::size_t n = 0; n < negotiation_cases().size(); ++n) {
      for (const auto& sc : sub_cases()) out.push_back({role, n, sc});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Rfc7692, Autobahn13, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<params_case>& param_info) {
                           return std::string("case_") + negotiation_cases()[param_info.param.negotiation].id + "_" +
                                  std::to_string(param_info.param.sc.index) + "_" + role_name(param_info.param.role);
                         });

// What each case must agree on, checked apart from the echoes so that a wrong agreement is named.
class Autobahn13Agreement : public ::testing::TestWithParam<std::tuple<engine_role, std::size_t>> {};

TEST_P(Autobahn13Agreement, BothSidesUseTheWindowsAndContextsTheCaseAsksFor) {
  const auto [role, n] = GetParam();
  const auto& nc = negotiation_cases()[n];
  deflate_case c(role, nc);
  ASSERT_TRUE(c.negotiated());
  const auto& s = c.streams();
  // From the engine's side: what it receives is what the fuzzer sends.
  const int engine_send_bits = s.receive_bits;
  const bool engine_send_resets = s.receive_resets;
  const std::string id = nc.id;
  const bool nine = id == "13_3" || id == "13_5" || id == "13_7";
  const bool resets = id == "13_2" || id == "13_5" || id == "13_6" || id == "13_7";
  // As server the engine grants what the fuzzer's offer asked of the server; as client it obeys
  // what the fuzzer's answer asked of the client. Either way these bind what the engine sends.
  EXPECT_EQ(engine_send_bits, nine ? 9 : 15) << role_name(role) << ": " << c.answer();
  EXPECT_EQ(engine_send_resets, resets) << role_name(role) << ": " << c.answer();
}

INSTANTIATE_TEST_SUITE_P(Rfc7692, Autobahn13Agreement,
                         ::testing::Combine(::testing::Values(engine_role::server, engine_role::client),
                                            ::testing::Range<std::size_t>(0, 7)),
                         [](const auto& param_info) {
                           return std::string("case_") + negotiation_cases()[std::get<1>(param_info.param)].id + "_" +
                                  role_name(std::get<0>(param_info.param));
                         });

}  // namespace
}  // namespace websock::test::autobahn::pmd
