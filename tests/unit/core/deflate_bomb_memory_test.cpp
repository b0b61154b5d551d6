// A compression bomb against the process, not just the engine's buffers (RFC 7692 8.1): one
// compressed frame of about 1 MiB that inflates to 1 GiB of zeros (deflate cannot pack more than
// about 1032:1, so this is the smallest frame that holds 1 GiB). Each case runs in a forked child
// whose peak resident memory (VmHWM, reset through /proc/self/clear_refs just before the frame
// goes in) must stay within a few MiB of where it started. The frame is fed in 64 KiB reads, as a
// socket delivers it. The rule is quoted in docs/permessage-deflate.md.
#include "websock/core/connection.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <zlib.h>

namespace websock::test {
namespace {

using core::event_type;
using bytes = std::vector<std::byte>;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool under_asan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool under_asan = true;
#else
constexpr bool under_asan = false;
#endif
#else
constexpr bool under_asan = false;
#endif

constexpr std::size_t MiB = std::size_t{1} << 20;
constexpr std::size_t bomb_inflated = std::size_t{1} << 30;

// 1 GiB of zeros, raw deflate at level 9 with a sync flush, the 00 00 ff ff tail dropped (7.2.1),
// in one unmasked server frame with RSV1 (the engine under test is a client).
const bytes& bomb_frame() {
  static const bytes frame = [] {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
    std::vector<unsigned char> zeros(MiB, 0), out(2 * MiB);
    std::size_t used = 0;
    for (std::size_t left = bomb_inflated; left > 0;) {
      left -= zeros.size();
      zs.next_in = zeros.data();
      zs.avail_in = static_cast<uInt>(zeros.size());
      do {
        if (out.size() - used < 64 * 1024) out.resize(out.size() * 2);
        zs.next_out = out.data() + used;
        zs.avail_out = static_cast<uInt>(out.size() - used);
        deflate(&zs, left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH);
        used = out.size() - zs.avail_out;
      } while (zs.avail_out == 0 || zs.avail_in != 0);
    }
    deflateEnd(&zs);
    used -= 4;
    bytes f{std::byte{0xc2}, std::byte{127}};  // FIN + RSV1 + binary, 64-bit length
    for (int shift = 56; shift >= 0; shift -= 8) f.push_back(static_cast<std::byte>((used >> shift) & 0xff));
    const auto* b = reinterpret_cast<const std::byte*>(out.data());
    f.insert(f.end(), b, b + used);
    return f;
  }();
  return frame;
}

std::size_t status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t n = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, n, field) == 0 && line.size() > n && line[n] == ':') return std::stoul(line.substr(n + 1));
  }
  return 0;
}

// Resets VmHWM to the current RSS (Linux 4.0+); false where /proc does not allow it.
bool reset_peak() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

struct outcome {
  std::size_t delivered = 0;      // payload bytes handed out (pieces mode)
  std::size_t largest_piece = 0;  // the largest of them
  std::uint16_t close_code = 0;   // the error's close code, 0 if the message ended
  bool ended = false;             // the message's last piece arrived
};

outcome feed_bomb(core::connection& c) {
  const bytes& frame = bomb_frame();
  bytes read(64 * 1024);
  outcome o;
  for (std::size_t at = 0; at < frame.size() && o.close_code == 0 && !o.ended;) {
    const std::size_t n = std::min(read.size(), frame.size() - at);
    std::memcpy(read.data(), frame.data() + at, n);
    at += n;
    std::span<std::byte> input(read.data(), n);
    for (;;) {
      const auto r = c.receive(input);
      input = input.subspan(r.consumed);
      if (r.ev.type == event_type::none) break;
      if (r.ev.type == event_type::error) {
        o.close_code = r.ev.code;
        break;
      }
      if (r.ev.type == event_type::message) {
        o.delivered += r.ev.payload.size();
        o.largest_piece = std::max(o.largest_piece, r.ev.payload.size());
        for (std::byte b : r.ev.payload) {
          if (b != std::byte{0}) return o;  // wrong bytes: delivered stays short of the total
        }
        if (r.ev.last) {
          o.ended = true;
          break;
        }
      }
    }
  }
  return o;
}

// Runs `body` in a forked child and expects it to exit 0; the child prints why it did not.
template <class Body>
void in_child(Body body) {
  bomb_frame();  // built once, before the fork, outside the measured peak
  std::fflush(nullptr);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(body());
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died (signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << ")";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's report is above";
}

core::connection_options client_options(bool assemble, std::size_t max_message) {
  core::connection_options o;
  o.endpoint_role = core::role::client;
  o.deflate = core::deflate_session{};
  o.assemble_messages = assemble;
  o.max_message_size = max_message;
  return o;
}

TEST(Rfc7692_8_1_PeakMemory, TheFrameIsAGibibyteInAboutOneMebibyte) {
  const std::size_t n = bomb_frame().size();
  EXPECT_GT(n, 900u << 10);
  EXPECT_LT(n, 1100u << 10);
}

// In a forked child: a client engine with these options takes the bomb; `ok` judges the outcome and
// the growth of the peak RSS (KiB) since just before the frame went in.
template <class Judge>
void bomb_in_child(bool assemble, std::size_t max_message, Judge ok) {
  in_child([&] {
    core::connection c(client_options(assemble, max_message));
    if (!reset_peak()) {
      std::fprintf(stderr, "cannot reset VmHWM through /proc/self/clear_refs\n");
      return 2;
    }
    const std::size_t start = status_kib("VmHWM");
    const outcome o = feed_bomb(c);
    const std::size_t grew = status_kib("VmHWM") - start;
    std::fprintf(stderr, "%s: %zu bytes delivered (largest piece %zu), ended %d, close %u, peak grew by %zu KiB\n",
                 assemble ? "whole" : "pieces", o.delivered, o.largest_piece, o.ended, o.close_code, grew);
    return ok(o, grew) ? 0 : 1;
  });
}

// Whole messages, a 1 MiB limit: 1009 once the inflated bytes pass 1 MiB; the process never holds
// much more than the limit (the buffer doubles once past it), whatever the frame could become.
TEST(Rfc7692_8_1_PeakMemory, AWholeMessageLimitOfOneMebibyteFailsWith1009AndTheProcessStaysSmall) {
  const std::size_t bound_kib = (under_asan ? 32 : 8) * 1024;
  bomb_in_child(true, MiB, [=](const outcome& o, std::size_t grew) {
    return o.close_code == 1009 && o.delivered == 0 && grew <= bound_kib;
  });
}

// Pieces, a limit above the bomb: all of the 1 GiB is delivered, exact, in steps of at most 16 KiB,
// and the process's peak grows by a few MiB only: it never holds the message.
TEST(Rfc7692_8_1_PeakMemory, PiecesDeliverTheWholeGibibyteInSmallStepsAndTheProcessStaysSmall) {
  const std::size_t bound_kib = (under_asan ? 32 : 4) * 1024;
  bomb_in_child(false, 2 * bomb_inflated, [=](const outcome& o, std::size_t grew) {
    return o.ended && o.delivered == bomb_inflated && o.largest_piece <= (16u << 10) && grew <= bound_kib;
  });
}

}  // namespace
}  // namespace websock::test
