// UTF-8 validation throughput (websock::core::is_valid_utf8 and the incremental validator) on
// pure ASCII, mostly-ASCII prose and multilingual text (Greek, Cyrillic, CJK, emoji).
#include <benchmark/benchmark.h>

#include <cstddef>
#include <span>
#include <string>

#include "bench_util.hpp"
#include "websock/core/utf8.hpp"

namespace {

using websock::bench::mostly_ascii_text;
using websock::bench::multilingual_text;

std::string ascii_text(std::size_t size) {
  std::string s = mostly_ascii_text(size * 2);
  std::string out;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x80) out += c;
  }
  out.resize(size);
  return out;
}

template <std::string (*Make)(std::size_t)>
void BM_is_valid_utf8(benchmark::State& state) {
  const std::string text = Make(static_cast<std::size_t>(state.range(0)));
  if (!websock::core::is_valid_utf8(text)) state.SkipWithError("generated text is not UTF-8");
  for (auto _ : state) {
    bool ok = websock::core::is_valid_utf8(text);
    benchmark::DoNotOptimize(ok);
  }
  websock::bench::set_gb_per_s(state, text.size());
}

std::string mostly_ascii(std::size_t n) { return mostly_ascii_text(n); }
std::string multilingual(std::size_t n) { return multilingual_text(n); }

// The incremental path the engine uses: the text arrives in pieces of range(1) bytes.
template <std::string (*Make)(std::size_t)>
void BM_utf8_validator_pieces(benchmark::State& state) {
  const std::string text = Make(static_cast<std::size_t>(state.range(0)));
  const auto piece = static_cast<std::size_t>(state.range(1));
  for (auto _ : state) {
    websock::core::utf8_validator v;
    for (std::size_t at = 0; at < text.size(); at += piece) {
      v.feed(std::string_view(text).substr(at, piece));
    }
    bool ok = v.complete();
    benchmark::DoNotOptimize(ok);
  }
  websock::bench::set_gb_per_s(state, text.size());
}

}  // namespace

BENCHMARK_TEMPLATE(BM_is_valid_utf8, ascii_text)->Name("BM_utf8/ascii")->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_is_valid_utf8, mostly_ascii)->Name("BM_utf8/mostly_ascii")->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_is_valid_utf8, multilingual)->Name("BM_utf8/multilingual")->Arg(64 << 10)->Arg(1 << 20);
BENCHMARK_TEMPLATE(BM_utf8_validator_pieces, mostly_ascii)
    ->Name("BM_utf8_pieces/mostly_ascii")->Args({1 << 20, 4096});
BENCHMARK_TEMPLATE(BM_utf8_validator_pieces, multilingual)
    ->Name("BM_utf8_pieces/multilingual")->Args({1 << 20, 4096});
