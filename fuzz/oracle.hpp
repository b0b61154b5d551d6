// Shared pieces of the fuzz targets: the oracle check, a deterministic random source and byte
// helpers. An oracle violation prints what failed and traps, so libFuzzer saves the input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "websock/core/random.hpp"

#define WEBSOCK_FUZZ_CHECK(cond)                                                          \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "oracle violation at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
      std::fflush(stderr);                                                                \
      __builtin_trap();                                                                   \
    }                                                                                     \
  } while (0)

namespace websock::fuzz {

using bytes = std::vector<std::byte>;

// Counter-based random bytes: the same sequence for every engine built with the same seed.
struct counter_random {
  std::uint8_t next = 1;

  static void fill(void* context, std::byte* out, std::size_t n) {
    auto* self = static_cast<counter_random*>(context);
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>(self->next++);
  }
  core::random_source source() { return {&fill, this}; }
};

inline std::span<const std::byte> as_bytes(std::span<const std::uint8_t> s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

inline std::string_view as_text(std::span<const std::byte> s) noexcept {
  return {reinterpret_cast<const char*>(s.data()), s.size()};
}

inline bytes to_vector(std::span<const std::byte> s) { return {s.begin(), s.end()}; }

}  // namespace websock::fuzz
