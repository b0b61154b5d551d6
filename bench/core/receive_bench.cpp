// Receive path: websock::core::connection (server role) parsing, unmasking, validating and
// assembling masked client frames pre-built in one buffer that holds many of them. The buffer is
// handed over whole or in socket-sized reads; every pass starts from a fresh masked copy (the
// engine unmasks in place), restored outside the timed region.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "websock/core/connection.hpp"

namespace {

namespace core = websock::core;

struct frame_stream {
  std::vector<std::byte> masked;  // the wire bytes
  std::size_t messages = 0;
  std::size_t frames = 0;
};

// Messages of `message_size` bytes split into frames of at most `frame_size`, repeated until the
// buffer holds at least `min_bytes` and at least 4 messages.
frame_stream build(std::size_t message_size, std::size_t frame_size, bool text,
                   std::size_t min_bytes = 256 << 10) {
  const std::string payload = text ? websock::bench::mostly_ascii_text(message_size)
                                   : std::string(message_size, '\0');
  std::vector<std::byte> bytes(message_size);
  if (text) {
    std::memcpy(bytes.data(), payload.data(), message_size);
  } else {
    websock::bench::rng r(7);
    for (auto& b : bytes) b = static_cast<std::byte>(r.next());
  }
  frame_stream s;
  websock::bench::rng keys(11);
  while (s.masked.size() < min_bytes || s.messages < 4) {
    std::size_t at = 0;
    do {
      const std::size_t n = std::min(frame_size, message_size - at);
      const std::uint8_t op = at == 0 ? (text ? 0x1 : 0x2) : 0x0;
      websock::bench::append_masked_frame(s.masked, op, at + n == message_size, bytes.data() + at, n,
                                          static_cast<std::uint32_t>(keys.next()));
      at += n;
      ++s.frames;
    } while (at < message_size);
    ++s.messages;
  }
  return s;
}

// range(0): message size; range(1): read size (0: the whole buffer at once); range(2): frame size
// (0: one frame per message).
template <bool Text, bool Assemble>
void BM_receive(benchmark::State& state) {
  const auto message_size = static_cast<std::size_t>(state.range(0));
  const auto read_size = static_cast<std::size_t>(state.range(1));
  const auto frame_size = state.range(2) == 0 ? message_size : static_cast<std::size_t>(state.range(2));
  const frame_stream stream = build(message_size, frame_size, Text);
  std::vector<std::byte> work(stream.masked.size());

  core::connection_options options;
  options.endpoint_role = core::role::server;
  options.assemble_messages = Assemble;
  core::connection conn(options);

  std::size_t bad = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::memcpy(work.data(), stream.masked.data(), work.size());
    state.ResumeTiming();
    std::size_t messages = 0;
    std::span<std::byte> all{work};
    const std::size_t step = read_size == 0 ? all.size() : read_size;
    for (std::size_t at = 0; at < all.size(); at += step) {
      std::span<std::byte> in = all.subspan(at, std::min(step, all.size() - at));
      for (;;) {
        const core::receive_result r = conn.receive(in);
        in = in.subspan(r.consumed);
        if (r.ev.type == core::event_type::none) break;
        if (r.ev.type == core::event_type::message && r.ev.last) ++messages;
        benchmark::DoNotOptimize(r.ev.payload.data());
      }
    }
    bad += messages != stream.messages;
  }
  if (bad != 0 || conn.failed()) state.SkipWithError("engine did not deliver every message");
  websock::bench::set_gb_per_s(state, stream.masked.size());
  websock::bench::set_ns_per_item(state, stream.frames, "ns/frame");
  state.counters["frames"] = static_cast<double>(stream.frames);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (long size : {16L, 1024L, 65536L, 1048576L}) b->Args({size, 0, 0});
  for (long size : {16L, 1024L, 65536L, 1048576L}) b->Args({size, 16384, 0});
}

}  // namespace

BENCHMARK_TEMPLATE(BM_receive, false, true)
    ->Name("BM_receive/binary")->Apply(sizes)->ArgNames({"msg", "read", "frame"});
BENCHMARK_TEMPLATE(BM_receive, true, true)
    ->Name("BM_receive/text")->Apply(sizes)->ArgNames({"msg", "read", "frame"});
// A 1 MiB message in 16 KiB frames: assembly across frames and reads.
BENCHMARK_TEMPLATE(BM_receive, false, true)
    ->Name("BM_receive/binary_fragmented")->Args({1 << 20, 0, 16384})->Args({1 << 20, 65536, 16384})
    ->ArgNames({"msg", "read", "frame"});
// Streaming mode (pieces as they arrive, no assembly), as websocket.h consumers use it.
BENCHMARK_TEMPLATE(BM_receive, false, false)
    ->Name("BM_receive/binary_streaming")->Args({16, 0, 0})->Args({1 << 20, 16384, 0})
    ->ArgNames({"msg", "read", "frame"});
