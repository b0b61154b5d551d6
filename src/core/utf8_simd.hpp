// Internal to src/core (not installed): the pieces of UTF-8 validation that utf8.cpp dispatches
// between, exposed so that the tests and fuzz/fuzz_utf8.cpp can compare them with each other.
#pragma once

#include <cstddef>
#include <cstdint>

namespace websock::core::detail {

// The portable shift-based DFA (utf8.cpp). `state` is a utf8_validator state (accept_state,
// reject_state or an intermediate one); returns the state after the bytes.
std::uint32_t utf8_dfa_run(std::uint32_t state, const unsigned char* data,
                           std::size_t size) noexcept;
// Valid and complete, by the DFA alone.
bool utf8_valid_dfa(const unsigned char* data, std::size_t size) noexcept;

// True if this CPU (and OS) supports AVX2; evaluated once. Always false outside x86-64.
bool avx2_available() noexcept;

// Valid and complete, 32 bytes at a time with AVX2 (utf8_simd.cpp). Reads only [data, data+size).
// Call only when avx2_available(); elsewhere (other architectures) it falls back to the DFA.
bool utf8_valid_avx2(const unsigned char* data, std::size_t size) noexcept;

}  // namespace websock::core::detail
