// Latency histogram for `websock bench`: log-linear buckets (64 per power of two, ~1.6% wide) over
// nanoseconds, fixed size, no allocation per sample; one per worker thread, merged at the end.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

namespace cli {

class latency_histogram {
 public:
  void record(std::uint64_t ns) noexcept {
    ++counts_[index(ns)];
    ++total_;
    max_ = std::max(max_, ns);
  }

  void merge(const latency_histogram& o) noexcept {
    for (std::size_t i = 0; i < buckets; ++i) counts_[i] += o.counts_[i];
    total_ += o.total_;
    max_ = std::max(max_, o.max_);
  }

  std::uint64_t count() const noexcept { return total_; }
  std::uint64_t max() const noexcept { return max_; }

  // The smallest value v with at least q of the samples <= v (bucket upper bound); 0 when empty.
  std::uint64_t quantile(double q) const noexcept {
    if (total_ == 0) return 0;
    const auto want = static_cast<std::uint64_t>(q * static_cast<double>(total_) + 0.5);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
      seen += counts_[i];
      if (seen >= std::max<std::uint64_t>(want, 1)) return std::min(upper(i), max_);
    }
    return max_;
  }

 private:
  static constexpr unsigned sub_bits = 6;                 // 64 buckets per power of two
  static constexpr std::size_t linear = 2u << sub_bits;  // values below 128 ns exactly
  static constexpr std::size_t buckets = linear + (64 - sub_bits - 1) * (1u << sub_bits);

  static std::size_t index(std::uint64_t v) noexcept {
    if (v < linear) return static_cast<std::size_t>(v);
    const unsigned shift = static_cast<unsigned>(std::bit_width(v)) - 1 - sub_bits;  // v >> shift in [64, 128)
    return linear + (shift - 1) * (1u << sub_bits) + static_cast<std::size_t>((v >> shift) - (1u << sub_bits));
  }
  static std::uint64_t upper(std::size_t i) noexcept {
    if (i < linear) return i;
    const std::size_t k = i - linear;
    const unsigned shift = static_cast<unsigned>(k >> sub_bits) + 1;
    const std::uint64_t base = (k & ((1u << sub_bits) - 1)) + (1u << sub_bits);
    return ((base + 1) << shift) - 1;
  }

  std::array<std::uint64_t, buckets> counts_{};
  std::uint64_t total_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace cli
