// XOR masking of payload bytes (RFC 6455 section 5.3).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace websock::core {

// The 4-byte masking key as it appears on the wire.
using mask_key = std::array<std::byte, 4>;

// XORs data[i] with key[(offset + i) % 4]. `offset` is the position of data[0] within the frame
// payload, so a payload can be unmasked piece by piece as it arrives. In place; any alignment.
void apply_mask(std::byte* data, std::size_t size, mask_key key, std::size_t offset = 0) noexcept;

// Same, copying from `in` to `out` (which may be equal but must not otherwise overlap).
void copy_masked(std::byte* out, const std::byte* in, std::size_t size, mask_key key,
                 std::size_t offset = 0) noexcept;

}  // namespace websock::core
