// UTF-8 validation. Long inputs go to a vector validator (utf8_simd.cpp, AVX2, chosen at run time);
// the portable path, and the one for short inputs and for the pieces of a sequence split across
// feeds, is a shift-based DFA: each byte's row packs the next state for every current state into
// one 64-bit word (6 bits per state, states stored as their bit offsets), so one step is a table
// load and a shift with a one-cycle dependency chain. Runs of ASCII are skipped 16 bytes at a time
// while the automaton sits in the accept state.
#include "websock/core/utf8.hpp"

#include <array>
#include <cstring>

#include "utf8_simd.hpp"

namespace websock::core {
namespace {

// State indices; the state value is index * 6 (its bit offset in a row).
enum : unsigned {
  s_accept = 0,
  s_reject = 1,
  s_need1 = 2,   // one continuation byte (80..BF) left
  s_need2 = 3,   // two left
  s_need3 = 4,   // three left
  s_e0 = 5,      // after E0: A0..BF (no overlong 3-byte forms)
  s_ed = 6,      // after ED: 80..9F (no surrogates)
  s_f0 = 7,      // after F0: 90..BF (no overlong 4-byte forms)
  s_f4 = 8,      // after F4: 80..8F (nothing above U+10FFFF)
  state_count = 9,
};

static_assert(s_accept * 6 == utf8_validator::accept_state);
static_assert(s_reject * 6 == utf8_validator::reject_state);

constexpr std::uint64_t row(const std::array<unsigned, state_count>& next) {
  std::uint64_t r = 0;
  for (unsigned s = 0; s < state_count; ++s) r |= std::uint64_t{next[s] * 6} << (s * 6);
  return r;
}

// Row for a byte that starts a sequence from the accept state and is invalid anywhere else.
constexpr std::uint64_t lead(unsigned to) {
  std::array<unsigned, state_count> n{};
  n.fill(s_reject);
  n[s_accept] = to;
  return row(n);
}

// Row for a continuation byte in [lo, hi] sub-range: `ok_e0` etc say which restricted states take it.
constexpr std::uint64_t continuation(bool e0, bool ed, bool f0, bool f4) {
  std::array<unsigned, state_count> n{};
  n.fill(s_reject);
  n[s_need1] = s_accept;
  n[s_need2] = s_need1;
  n[s_need3] = s_need2;
  if (e0) n[s_e0] = s_need1;
  if (ed) n[s_ed] = s_need1;
  if (f0) n[s_f0] = s_need2;
  if (f4) n[s_f4] = s_need2;
  return row(n);
}

constexpr std::array<std::uint64_t, 256> build_table() {
  std::array<std::uint64_t, 256> t{};
  for (unsigned b = 0; b < 256; ++b) {
    if (b < 0x80) t[b] = lead(s_accept);
    else if (b < 0x90) t[b] = continuation(false, true, false, true);
    else if (b < 0xA0) t[b] = continuation(false, true, true, false);
    else if (b < 0xC0) t[b] = continuation(true, false, true, false);
    else if (b < 0xC2) t[b] = lead(s_reject);  // C0, C1: overlong 2-byte forms
    else if (b < 0xE0) t[b] = lead(s_need1);
    else if (b == 0xE0) t[b] = lead(s_e0);
    else if (b == 0xED) t[b] = lead(s_ed);
    else if (b < 0xF0) t[b] = lead(s_need2);
    else if (b == 0xF0) t[b] = lead(s_f0);
    else if (b < 0xF4) t[b] = lead(s_need3);
    else if (b == 0xF4) t[b] = lead(s_f4);
    else t[b] = lead(s_reject);  // F5..FF never occur
  }
  return t;
}

constexpr std::array<std::uint64_t, 256> table = build_table();

constexpr std::uint64_t high_bits = 0x8080808080808080ull;

inline bool ascii16(const unsigned char* p) noexcept {
  std::uint64_t a, b;
  std::memcpy(&a, p, 8);
  std::memcpy(&b, p + 8, 8);
  return ((a | b) & high_bits) == 0;
}

// Runs the automaton from `state` over [p, p + n) and returns the final state (a bit offset).
std::uint64_t run(std::uint64_t state, const unsigned char* p, std::size_t n) noexcept {
  constexpr std::uint64_t reject = s_reject * 6;
  while (n >= 16) {
    if (state == 0 && ascii16(p)) {
      p += 16;
      n -= 16;
      continue;
    }
    for (int i = 0; i < 16; ++i) state = table[p[i]] >> (state & 63);
    state &= 63;
    if (state == reject) return state;  // fail fast inside long inputs
    p += 16;
    n -= 16;
  }
  for (std::size_t i = 0; i < n; ++i) state = table[p[i]] >> (state & 63);
  return state & 63;
}

// Below this size the DFA (with its ASCII skip) is as fast as setting up the vector path.
constexpr std::size_t simd_min_size = 32;

// Valid and complete: the vector path when the CPU has one and the input is long enough.
bool valid_complete(const unsigned char* p, std::size_t n) noexcept {
  if (n >= simd_min_size && detail::avx2_available()) return detail::utf8_valid_avx2(p, n);
  return run(0, p, n) == 0;
}

}  // namespace

namespace detail {

std::uint32_t utf8_dfa_run(std::uint32_t state, const unsigned char* data,
                           std::size_t size) noexcept {
  if (state == utf8_validator::reject_state) return state;
  return static_cast<std::uint32_t>(run(state, data, size));
}

bool utf8_valid_dfa(const unsigned char* data, std::size_t size) noexcept {
  return run(0, data, size) == 0;
}

bool avx2_available() noexcept {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool available = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return available;
#else
  return false;
#endif
}

}  // namespace detail

// With the vector path, a piece is cut in three: the DFA first finishes a sequence left open by the
// previous feed (at most 3 bytes), then the vector validator checks everything up to the start of
// the last sequence, which may be cut short by the end of the piece, and the DFA takes that last
// sequence and carries its state to the next feed. The vector validator needs the part it checks
// to be complete; the part ends just before a lead byte (or at the end of the piece when no lead
// byte starts in the last 3 bytes, where no valid sequence can be open), so if that part is not
// valid and complete, no continuation of the stream can make it so: failing there is exact.
bool utf8_validator::feed(std::span<const std::byte> bytes) noexcept {
  if (state_ == reject_state) return false;
  auto p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t n = bytes.size();
  if (n < simd_min_size || !detail::avx2_available()) {
    state_ = static_cast<std::uint32_t>(run(state_, p, n));
    return state_ != reject_state;
  }

  std::uint64_t state = state_;
  while (state != s_accept * 6 && state != s_reject * 6 && n > 0) {
    state = (table[*p] >> state) & 63;
    ++p;
    --n;
  }
  if (state != s_accept * 6) {  // rejected, or the piece ended first
    state_ = static_cast<std::uint32_t>(state);
    return state_ != reject_state;
  }

  std::size_t cut = n;
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const unsigned char b = p[n - back];
    if (b >= 0xC0) {
      cut = n - back;
      break;
    }
    if (b < 0x80) break;
  }
  if (!valid_complete(p, cut)) {
    state_ = reject_state;
    return false;
  }
  state_ = static_cast<std::uint32_t>(run(0, p + cut, n - cut));
  return state_ != reject_state;
}

bool is_valid_utf8(std::span<const std::byte> bytes) noexcept {
  return valid_complete(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

}  // namespace websock::core
