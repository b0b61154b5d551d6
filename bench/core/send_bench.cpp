// Send path: connection::send() of one message into the outbox, then consume_output() of all of
// it, as a server (no masking) and as a client (random key from the injected source + masking).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

#include "bench_util.hpp"
#include "websock/core/connection.hpp"

namespace {

namespace core = websock::core;

void counter_fill(void* context, std::byte* out, std::size_t n) {
  auto* state = static_cast<std::uint8_t*>(context);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((*state)++);
}

template <core::role Role, bool OpenSSL>
void BM_send(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  std::vector<std::byte> payload(size, std::byte{'a'});
  std::uint8_t counter = 0;
  core::connection_options options;
  options.endpoint_role = Role;
  if (!OpenSSL) options.random = {&counter_fill, &counter};
  core::connection conn(options);
  for (auto _ : state) {
    conn.send(core::message_kind::binary, payload);
    const auto out = conn.pending_output();
    benchmark::DoNotOptimize(out.data());
    conn.consume_output(out.size());
  }
  websock::bench::set_gb_per_s(state, size);
  websock::bench::set_ns_per_item(state, 1, "ns/msg");
}

}  // namespace

BENCHMARK_TEMPLATE(BM_send, core::role::server, false)
    ->Name("BM_send/server")->Arg(16)->Arg(125)->Arg(1024)->Arg(65536)->ArgNames({"msg"});
BENCHMARK_TEMPLATE(BM_send, core::role::client, false)
    ->Name("BM_send/client")->Arg(16)->Arg(1024)->Arg(65536)->ArgNames({"msg"});
// The default random source: RAND_bytes, fetched 64 bytes (16 keys) at a time.
BENCHMARK_TEMPLATE(BM_send, core::role::client, true)
    ->Name("BM_send/client_openssl_keys")->Arg(16)->ArgNames({"msg"});
