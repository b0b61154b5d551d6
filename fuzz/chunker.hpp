// Splits a fuzzer input into the pieces a transport might deliver: a length byte L, then the next
// L bytes (fewer when the input runs out), repeatedly. The fuzzer thereby chooses every split,
// including empty reads and single bytes. Option bytes are taken from the front with take_byte().
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace websock::fuzz {

class chunker {
 public:
  chunker(const std::uint8_t* data, std::size_t size) noexcept : data_(data), size_(size) {}

  bool empty() const noexcept { return pos_ >= size_; }
  std::size_t remaining() const noexcept { return size_ - pos_; }

  // One byte for an option or a command; 0 once the input is exhausted.
  std::uint8_t take_byte() noexcept { return empty() ? 0 : data_[pos_++]; }

  // Up to n bytes (fewer at the end of the input).
  std::span<const std::uint8_t> take(std::size_t n) noexcept {
    if (n > remaining()) n = remaining();
    std::span<const std::uint8_t> out{data_ + pos_, n};
    pos_ += n;
    return out;
  }

  // The next chunk: a length byte, then that many bytes.
  std::span<const std::uint8_t> next() noexcept { return take(take_byte()); }

  // Everything not yet taken.
  std::span<const std::uint8_t> rest() noexcept { return take(remaining()); }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

}  // namespace websock::fuzz
