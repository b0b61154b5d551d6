// UTF-8 validation (RFC 3629) as RFC 6455 section 8.1 requires of text messages and close reasons.
// Incremental and fail-fast: an invalid sequence is reported by the feed() that delivers its first
// bad byte, even when the sequence is split across frames or reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace websock::core {

class utf8_validator {
 public:
  // Validates the next piece of a stream. Returns false as soon as the bytes seen so far can no
  // longer be the prefix of valid UTF-8; after that it keeps returning false until reset().
  bool feed(std::span<const std::byte> bytes) noexcept;
  bool feed(std::string_view text) noexcept {
    return feed(std::span{reinterpret_cast<const std::byte*>(text.data()), text.size()});
  }

  // True if the stream so far is valid and does not end inside a code point.
  bool complete() const noexcept { return state_ == accept_state; }
  bool failed() const noexcept { return state_ == reject_state; }
  void reset() noexcept { state_ = accept_state; }

  // Internal DFA states, exposed for the table builder.
  static constexpr std::uint32_t accept_state = 0;
  static constexpr std::uint32_t reject_state = 6;

 private:
  std::uint32_t state_ = accept_state;
};

// Whole-buffer check: valid and complete.
bool is_valid_utf8(std::span<const std::byte> bytes) noexcept;
inline bool is_valid_utf8(std::string_view text) noexcept {
  return is_valid_utf8(std::span{reinterpret_cast<const std::byte*>(text.data()), text.size()});
}

}  // namespace websock::core
