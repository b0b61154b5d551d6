#include "websock/core/mask.hpp"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define WEBSOCK_MASK_AVX2 1
#endif

namespace websock::core {
namespace {

// The key rotated so that its first byte applies to the data's first byte when the data starts
// `offset` bytes into the payload (little-endian word order: byte i of the word masks byte i).
inline std::uint32_t rotated_key(mask_key key, std::size_t offset) noexcept {
  std::uint32_t k;
  std::memcpy(&k, key.data(), 4);
  const unsigned shift = static_cast<unsigned>(offset & 3) * 8;
  return shift == 0 ? k : (k >> shift) | (k << (32 - shift));
}

void mask_loop(std::byte* out, const std::byte* in, std::size_t size, mask_key key,
               std::size_t offset) noexcept {
  const std::uint32_t k32 = rotated_key(key, offset);
  std::size_t i = 0;
#if defined(__SSE2__)
  if (size >= 16) {
    const __m128i k = _mm_set1_epi32(static_cast<int>(k32));
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
  }
#endif
  // Every step above advances by a multiple of 4, so the key's phase still holds here.
  std::uint64_t k64 = (std::uint64_t{k32} << 32) | k32;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, in + i, 8);
    v ^= k64;
    std::memcpy(out + i, &v, 8);
  }
  for (; i < size; ++i) {
    out[i] = in[i] ^ static_cast<std::byte>(k64 & 0xFF);
    k64 >>= 8;
  }
}

#ifdef WEBSOCK_MASK_AVX2
// Large payloads on CPUs with AVX2 (chosen at run time: the build targets baseline x86-64): 64
// bytes per step in two 32-byte lanes, the rest by mask_loop with the key's phase kept.
__attribute__((target("avx2"))) void mask_loop_avx2(std::byte* out, const std::byte* in, std::size_t size,
                                                    mask_key key, std::size_t offset) noexcept {
  const __m256i k = _mm256_set1_epi32(static_cast<int>(rotated_key(key, offset)));
  std::size_t i = 0;
  for (; i + 64 <= size; i += 64) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i + 32));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_xor_si256(a, k));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i + 32), _mm256_xor_si256(b, k));
  }
  mask_loop(out + i, in + i, size - i, key, offset + i);
}

const bool has_avx2 = __builtin_cpu_supports("avx2");
#endif

inline void mask_any(std::byte* out, const std::byte* in, std::size_t size, mask_key key, std::size_t offset) noexcept {
#ifdef WEBSOCK_MASK_AVX2
  if (size >= 256 && has_avx2) return mask_loop_avx2(out, in, size, key, offset);
#endif
  mask_loop(out, in, size, key, offset);
}

}  // namespace

void apply_mask(std::byte* data, std::size_t size, mask_key key, std::size_t offset) noexcept {
  mask_any(data, data, size, key, offset);
}

void copy_masked(std::byte* out, const std::byte* in, std::size_t size, mask_key key,
                 std::size_t offset) noexcept {
  mask_any(out, in, size, key, offset);
}

}  // namespace websock::core
