#include "websock/core/mask.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace websock::core {
namespace {

// The key rotated so that its byte 0 applies to data[0] when data starts `offset` bytes into
// the payload, repeated to 16 bytes.
struct wide_key {
  alignas(16) unsigned char bytes[16];
};

wide_key widen(mask_key key, std::size_t offset) noexcept {
  wide_key w;
  for (std::size_t i = 0; i < 16; ++i) {
    w.bytes[i] = static_cast<unsigned char>(key[(offset + i) & 3]);
  }
  return w;
}

void mask_loop(std::byte* out, const std::byte* in, std::size_t size, mask_key key,
               std::size_t offset) noexcept {
  const wide_key w = widen(key, offset);
  std::size_t i = 0;
#if defined(__SSE2__)
  const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(w.bytes));
  for (; i + 64 <= size; i += 64) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 16));
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 32));
    __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i + 48));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_xor_si128(a, k));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 16), _mm_xor_si128(b, k));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 32), _mm_xor_si128(c, k));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 48), _mm_xor_si128(d, k));
  }
  for (; i + 16 <= size; i += 16) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_xor_si128(a, k));
  }
#endif
  std::uint64_t k64;
  std::memcpy(&k64, w.bytes, 8);  // offsets advance in multiples of 16 above, so phase holds
  for (; i + 8 <= size; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, in + i, 8);
    v ^= k64;
    std::memcpy(out + i, &v, 8);
  }
  for (; i < size; ++i) {
    out[i] = in[i] ^ static_cast<std::byte>(w.bytes[i & 15]);
  }
}

}  // namespace

void apply_mask(std::byte* data, std::size_t size, mask_key key, std::size_t offset) noexcept {
  mask_loop(data, data, size, key, offset);
}

void copy_masked(std::byte* out, const std::byte* in, std::size_t size, mask_key key,
                 std::size_t offset) noexcept {
  mask_loop(out, in, size, key, offset);
}

}  // namespace websock::core
