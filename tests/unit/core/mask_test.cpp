// RFC 6455 section 5.3: client-to-server masking. Each payload octet i is XORed with octet
// i MOD 4 of the 32-bit masking key; unmasking is the same operation.
#include "websock/core/mask.hpp"

#include <gtest/gtest.h>

#include <random>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

// The definition, one byte at a time.
bytes reference_mask(std::span<const std::byte> in, core::mask_key key, std::size_t offset) {
  bytes out(in.begin(), in.end());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= key[(offset + i) % 4];
  return out;
}

bytes random_bytes(std::mt19937& rng, std::size_t n) {
  bytes out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng() & 0xFF);
  return out;
}

core::mask_key random_key(std::mt19937& rng) {
  core::mask_key k{};
  for (auto& b : k) b = static_cast<std::byte>(rng() & 0xFF);
  return k;
}

TEST(mask, rfc_5_7_masked_hello) {
  // "Hello" masked with 37 fa 21 3d is 7f 9f 4d 51 58 (RFC 6455 5.7).
  bytes data = to_bytes("Hello");
  core::apply_mask(data.data(), data.size(), rfc_key);
  EXPECT_EQ(data, from_hex("7f 9f 4d 51 58"));
}

TEST(mask, unmasking_is_the_same_operation) {
  bytes data = from_hex("7f 9f 4d 51 58");
  core::apply_mask(data.data(), data.size(), rfc_key);
  EXPECT_EQ(to_string(data), "Hello");
}

TEST(mask, zero_key_leaves_payload_unchanged) {
  const bytes original = to_bytes("any payload at all, long enough for the wide paths.......");
  bytes data = original;
  core::apply_mask(data.data(), data.size(), core::mask_key{});
  EXPECT_EQ(data, original);
}

TEST(mask, empty_payload_is_a_no_op) {
  bytes data = to_bytes("x");
  core::apply_mask(data.data(), 0, rfc_key);
  core::copy_masked(data.data(), data.data(), 0, rfc_key, 3);
  EXPECT_EQ(to_string(data), "x");
}

TEST(mask, matches_definition_for_every_size_and_offset) {
  // Sizes cover the byte loop, word loops and any 16/64-byte vector paths and their tails.
  std::mt19937 rng(53);
  for (std::size_t size = 0; size <= 200; ++size) {
    const bytes in = random_bytes(rng, size);
    const auto key = random_key(rng);
    for (std::size_t offset = 0; offset < 8; ++offset) {
      bytes data = in;
      core::apply_mask(data.data(), data.size(), key, offset);
      ASSERT_EQ(data, reference_mask(in, key, offset)) << "size " << size << " offset " << offset;
    }
  }
}

TEST(mask, offset_is_taken_modulo_4) {
  std::mt19937 rng(7);
  const bytes in = random_bytes(rng, 37);
  for (std::size_t offset : {4u, 5u, 6u, 7u, 1001u, 65537u}) {
    bytes a = in;
    bytes b = in;
    core::apply_mask(a.data(), a.size(), rfc_key, offset);
    core::apply_mask(b.data(), b.size(), rfc_key, offset % 4);
    EXPECT_EQ(a, b) << "offset " << offset;
  }
}

TEST(mask, piecewise_unmasking_with_offsets_equals_whole) {
  // A payload arriving in arbitrary pieces is unmasked piece by piece with the running offset.
  std::mt19937 rng(11);
  const bytes in = random_bytes(rng, 300);
  const auto key = random_key(rng);
  const bytes whole = reference_mask(in, key, 0);
  for (std::size_t piece : {1u, 2u, 3u, 5u, 7u, 13u, 17u, 64u, 65u, 299u}) {
    bytes data = in;
    for (std::size_t at = 0; at < data.size(); at += piece) {
      const std::size_t n = std::min(piece, data.size() - at);
      core::apply_mask(data.data() + at, n, key, at);
    }
    EXPECT_EQ(data, whole) << "pieces of " << piece;
  }
}

TEST(mask, unaligned_start_addresses) {
  std::mt19937 rng(13);
  const bytes in = random_bytes(rng, 160);
  const auto key = random_key(rng);
  for (std::size_t misalign = 0; misalign < 16; ++misalign) {
    bytes storage(in.size() + 16);
    std::copy(in.begin(), in.end(), storage.begin() + static_cast<std::ptrdiff_t>(misalign));
    core::apply_mask(storage.data() + misalign, in.size(), key, misalign);
    const bytes got(storage.begin() + static_cast<std::ptrdiff_t>(misalign),
                    storage.begin() + static_cast<std::ptrdiff_t>(misalign + in.size()));
    EXPECT_EQ(got, reference_mask(in, key, misalign)) << "misalignment " << misalign;
    // Bytes around the range are untouched.
    for (std::size_t i = 0; i < misalign; ++i) EXPECT_EQ(storage[i], std::byte{0});
    for (std::size_t i = misalign + in.size(); i < storage.size(); ++i) EXPECT_EQ(storage[i], std::byte{0});
  }
}

TEST(mask, copy_masked_matches_definition_and_leaves_input) {
  std::mt19937 rng(17);
  for (std::size_t size : {0u, 1u, 3u, 4u, 15u, 16u, 63u, 64u, 65u, 129u, 1000u}) {
    const bytes in = random_bytes(rng, size);
    const auto key = random_key(rng);
    for (std::size_t offset = 0; offset < 4; ++offset) {
      bytes out(size + 1, std::byte{0xEE});
      core::copy_masked(out.data(), in.data(), size, key, offset);
      EXPECT_EQ(bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size)),
                reference_mask(in, key, offset))
          << "size " << size << " offset " << offset;
      EXPECT_EQ(out[size], std::byte{0xEE}) << "wrote past the end";
    }
  }
}

TEST(mask, copy_masked_in_place) {
  std::mt19937 rng(19);
  const bytes in = random_bytes(rng, 257);
  bytes data = in;
  core::copy_masked(data.data(), data.data(), data.size(), rfc_key, 2);
  EXPECT_EQ(data, reference_mask(in, rfc_key, 2));
}

TEST(mask, large_buffer_matches_definition) {
  std::mt19937 rng(23);
  const bytes in = random_bytes(rng, (1u << 20) + 3);
  const auto key = random_key(rng);
  bytes data = in;
  core::apply_mask(data.data(), data.size(), key, 1);
  EXPECT_TRUE(data == reference_mask(in, key, 1));
}

}  // namespace
}  // namespace websock::test
