// Autobahn group 12: permessage-deflate on five kinds of data (12.1 JSON, 12.2 a bitmap, 12.3
// German text sent as binary, 12.4 HTML, 12.5 a PDF), each at the 18 sizes and fragmentations of
// the group, with the default offer and a plain accept, the engine as server and as client.
#include "autobahn_deflate_driver.hpp"

namespace websock::test::autobahn::pmd {
namespace {

struct data_case {
  engine_role role;
  std::size_t set;  // index into data_sets()
  sub_case sc;
};

class Autobahn12 : public ::testing::TestWithParam<data_case> {};

TEST_P(Autobahn12, EchoesEveryCompressedMessageExactly) {
  const auto& p = GetParam();
  run_case(p.role, plain_negotiation(), data_sets()[p.set], p.sc);
}

std::vector<data_case> all_cases() {
  std::vector<data_case> out;
  for (auto role : {engine_role::server, engine_role::client}) {
    for (std::size_t set = 0; set < 5; ++set) {
      for (const auto& sc : sub_cases()) out.push_back({role, set, sc});
    }
  }
  return out;
}

// "case_12_1_3/server": Autobahn's case id, then the engine's role.
INSTANTIATE_TEST_SUITE_P(Rfc7692, Autobahn12, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<data_case>& param_info) {
                           return "case_12_" + std::to_string(param_info.param.set + 1) + "_" +
                                  std::to_string(param_info.param.sc.index) + "_" + role_name(param_info.param.role);
                         });

}  // namespace
}  // namespace websock::test::autobahn::pmd
