// Randomness is injected: masking keys and handshake nonces come from a caller-supplied source,
// so tests get exact bytes and the core never reaches for a global generator.
#pragma once

#include <cstddef>

namespace websock::core {

struct random_source {
  // Fills [out, out + n) with random bytes. Must not fail.
  void (*fill)(void* context, std::byte* out, std::size_t n) = nullptr;
  void* context = nullptr;

  void operator()(std::byte* out, std::size_t n) const { fill(context, out, n); }
};

// OpenSSL's RAND_bytes (CSPRNG). The default everywhere.
random_source openssl_random() noexcept;

}  // namespace websock::core
