#include "websock/core/random.hpp"

#include <openssl/rand.h>

#include <cstdlib>

namespace websock::core {
namespace {

void fill_from_openssl(void*, std::byte* out, std::size_t n) {
  // RAND_bytes only fails when the CSPRNG cannot be seeded; continuing would mean predictable
  // masks and keys, so stop instead.
  while (n > 0) {
    const int chunk = n > (1u << 30) ? (1 << 30) : static_cast<int>(n);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out), chunk) != 1) std::abort();
    out += chunk;
    n -= static_cast<std::size_t>(chunk);
  }
}

}  // namespace

random_source openssl_random() noexcept { return {&fill_from_openssl, nullptr}; }

}  // namespace websock::core
