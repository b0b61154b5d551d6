// Helpers shared by the core benchmarks: decimal GB/s and ns-per-item counters, deterministic
// inputs (text generators, masked frames built independently of the library's encoder).
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace websock::bench {

// Counters in the units the targets in docs/benchmarks.md use.
inline void set_gb_per_s(benchmark::State& state, std::size_t bytes_per_iteration) {
  const auto total = static_cast<double>(state.iterations()) * static_cast<double>(bytes_per_iteration);
  state.SetBytesProcessed(static_cast<std::int64_t>(total));
  state.counters["GB/s"] = benchmark::Counter(total / 1e9, benchmark::Counter::kIsRate);
}

inline void set_ns_per_item(benchmark::State& state, std::size_t items_per_iteration,
                            const char* name) {
  const auto total = static_cast<double>(state.iterations()) * static_cast<double>(items_per_iteration);
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
  state.counters[name] =
      benchmark::Counter(total / 1e9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// A small deterministic generator (splitmix64), so every run measures the same bytes.
class rng {
 public:
  explicit rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t s_;
};

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Cuts `s` to at most `size` bytes without splitting a code point.
inline void truncate_utf8(std::string& s, std::size_t size) {
  if (s.size() <= size) return;
  while (size > 0 && (static_cast<unsigned char>(s[size]) & 0xC0) == 0x80) --size;
  s.resize(size);
}

// English-like prose: ASCII words, spaces and punctuation, with about one non-ASCII character
// (é, ü, ñ, –, ’, “, ”, €) per 100 characters.
inline std::string mostly_ascii_text(std::size_t size, std::uint64_t seed = 1) {
  static constexpr char32_t accents[] = {0xE9, 0xFC, 0xF1, 0x2013, 0x2019, 0x201C, 0x201D, 0x20AC};
  static constexpr const char* punctuation[] = {" ", " ", " ", " ", ", ", ". ", "; ", "\n"};
  rng r(seed);
  std::string out;
  out.reserve(size + 64);
  while (out.size() < size) {
    const std::size_t letters = 1 + r.below(9);
    for (std::size_t i = 0; i < letters; ++i) {
      if (r.below(100) == 0) {
        append_utf8(out, accents[r.below(8)]);
      } else {
        out += static_cast<char>('a' + r.below(26));
      }
    }
    out += punctuation[r.below(8)];
  }
  truncate_utf8(out, size);
  return out;
}

// Multilingual text: words drawn from Greek, Cyrillic, CJK (3-byte) and emoji (4-byte) ranges,
// separated by ASCII spaces and punctuation.
inline std::string multilingual_text(std::size_t size, std::uint64_t seed = 2) {
  struct range {
    char32_t first, count;
  };
  static constexpr range scripts[] = {
      {0x03B1, 25},   // Greek small letters
      {0x0430, 32},   // Cyrillic small letters
      {0x4E00, 8000}, // CJK unified ideographs
      {0x1F600, 80},  // emoticons
  };
  static constexpr const char* punctuation[] = {" ", " ", " ", ", ", ". ", "! ", "? ", "\n"};
  rng r(seed);
  std::string out;
  out.reserve(size + 64);
  while (out.size() < size) {
    const range& script = scripts[r.below(4)];
    const std::size_t letters = 1 + r.below(7);
    for (std::size_t i = 0; i < letters; ++i) {
      append_utf8(out, script.first + static_cast<char32_t>(r.below(script.count)));
    }
    out += punctuation[r.below(8)];
  }
  truncate_utf8(out, size);
  return out;
}

// One masked client-to-server frame, encoded here rather than by the library.
inline void append_masked_frame(std::vector<std::byte>& out, std::uint8_t opcode, bool fin,
                                const std::byte* payload, std::size_t size, std::uint32_t key) {
  out.push_back(static_cast<std::byte>((fin ? 0x80 : 0) | opcode));
  if (size < 126) {
    out.push_back(static_cast<std::byte>(0x80 | size));
  } else if (size <= 0xFFFF) {
    out.push_back(std::byte{0x80 | 126});
    out.push_back(static_cast<std::byte>(size >> 8));
    out.push_back(static_cast<std::byte>(size));
  } else {
    out.push_back(std::byte{0x80 | 127});
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::byte>(std::uint64_t{size} >> (8 * i)));
  }
  const std::byte k[4] = {static_cast<std::byte>(key >> 24), static_cast<std::byte>(key >> 16),
                          static_cast<std::byte>(key >> 8), static_cast<std::byte>(key)};
  out.insert(out.end(), k, k + 4);
  for (std::size_t i = 0; i < size; ++i) out.push_back(payload[i] ^ k[i % 4]);
}

}  // namespace websock::bench
