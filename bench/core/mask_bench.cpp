// Unmasking throughput: websock::core::apply_mask in place, 16 B to 1 MiB, aligned and not.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "bench_util.hpp"
#include "websock/core/mask.hpp"

namespace {

using websock::core::mask_key;

// range(0): bytes; range(1): misalignment of the buffer start and the key phase (0..3).
void BM_apply_mask(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const auto skew = static_cast<std::size_t>(state.range(1));
  // A 64-byte aligned start, moved by `skew`.
  std::vector<std::byte> storage(size + 128, std::byte{0x5A});
  const auto address = reinterpret_cast<std::uintptr_t>(storage.data());
  std::byte* data = storage.data() + (64 - address % 64) % 64 + skew;
  const mask_key key{std::byte{0x37}, std::byte{0xFA}, std::byte{0x21}, std::byte{0x3D}};
  for (auto _ : state) {
    websock::core::apply_mask(data, size, key, skew);
    benchmark::ClobberMemory();
  }
  websock::bench::set_gb_per_s(state, size);
}

void mask_sizes(benchmark::internal::Benchmark* b) {
  for (long size : {16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L}) {
    b->Args({size, 0});
  }
  for (long size : {16L, 1024L, 65536L, 1048576L}) b->Args({size, 1});
}

}  // namespace

BENCHMARK(BM_apply_mask)->Apply(mask_sizes)->ArgNames({"bytes", "skew"});
