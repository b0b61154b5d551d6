// Autobahn|Testsuite cases as engine tests: our engine is the peer under test (server role, an
// echo peer), the test is the fuzzer (client role, masking every frame with a fresh key).
//
// The fuzzer's record is rebuilt from what the engine writes: each text/binary message it sends
// back and each pong, in order. The close column is judged from the close frames the engine writes
// and from who sent the first close. A "write" of the fuzzer is one feed of the engine: one write,
// per frame or chop n (see /work/shared/conformance-cases.md, section 0).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "engine_driver.hpp"

namespace websock::test::autobahn {

// ------------------------------------------------------------------ what the fuzzer records

struct observed {
  enum class kind { text, binary, pong, ping };
  kind what = kind::text;
  bytes payload;
  friend bool operator==(const observed&, const observed&) = default;
};

inline void PrintTo(const observed& o, std::ostream* os) {
  static const char* names[] = {"message(text", "message(binary", "pong(", "ping("};
  *os << names[static_cast<int>(o.what)] << (o.what <= observed::kind::binary ? ", " : "")
      << o.payload.size() << " B: " << to_hex(o.payload, 32) << ")";
}

inline observed text(std::string_view s) { return {observed::kind::text, to_bytes(s)}; }
inline observed text(std::span<const std::byte> b) { return {observed::kind::text, bytes(b.begin(), b.end())}; }
inline observed binary(std::span<const std::byte> b) { return {observed::kind::binary, bytes(b.begin(), b.end())}; }
inline observed pong(std::string_view s) { return {observed::kind::pong, to_bytes(s)}; }
inline observed pong(std::span<const std::byte> b) { return {observed::kind::pong, bytes(b.begin(), b.end())}; }

using observed_list = std::vector<observed>;

// kosme, the Greek word RFC-era UTF-8 tests use: ce ba e1 bd b9 cf 83 ce bc ce b5.
inline const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

// ------------------------------------------------------------------ the fuzzer's frames

class fuzzer {
 public:
  explicit fuzzer(unsigned seed = 6455) : rng_(seed) {}

  // `rsv` is Autobahn's 3-bit field: 4 = RSV1, 2 = RSV2, 1 = RSV3.
  bytes frame(std::uint8_t opcode, std::span<const std::byte> payload, bool fin = true, std::uint8_t rsv = 0) {
    ++frames_built;
    return client_frame(opcode, payload, fin, next_key(), static_cast<std::uint8_t>((rsv & 7) << 4));
  }
  bytes frame(std::uint8_t opcode, std::string_view payload, bool fin = true, std::uint8_t rsv = 0) {
    return frame(opcode, as_span(payload), fin, rsv);
  }
  bytes close(std::uint16_t code, std::string_view reason = {}) { return frame(op::close, close_body(code, reason)); }
  bytes empty_close() { return frame(op::close, ""); }

  std::size_t frames_built = 0;

 private:
  core::mask_key next_key() {
    const std::uint32_t v = static_cast<std::uint32_t>(rng_());
    return {std::byte(v & 0xFF), std::byte((v >> 8) & 0xFF), std::byte((v >> 16) & 0xFF), std::byte(v >> 24)};
  }
  std::mt19937 rng_;
};

// ------------------------------------------------------------------ the peer under test

inline core::connection_options peer_options() {
  core::connection_options o;
  o.endpoint_role = core::role::server;
  return o;
}

class echo_peer {
 public:
  explicit echo_peer(core::connection_options options = peer_options()) : conn(std::move(options)) {}

  // One write of the fuzzer; chop > 0 splits it into writes of `chop` bytes.
  void write(std::span<const std::byte> data, std::size_t chop = 0) {
    if (chop == 0) chop = std::max<std::size_t>(data.size(), 1);
    for (std::size_t at = 0; at < data.size(); at += chop) {
      one_write(data.subspan(at, std::min(chop, data.size() - at)));
    }
  }
  // Each frame in its own write.
  void write_frames(const std::vector<bytes>& frames) {
    for (const auto& f : frames) one_write(f);
  }
  // The fuzzer starts the closing handshake.
  void fuzzer_close(fuzzer& fz, std::uint16_t code = 1000, std::string_view reason = {}) {
    if (peer_closes.empty()) fuzzer_closed_first = true;
    fuzzer_sent_close = true;
    write(fz.close(code, reason));
  }
  void fuzzer_empty_close(fuzzer& fz) {
    if (peer_closes.empty()) fuzzer_closed_first = true;
    fuzzer_sent_close = true;
    write(fz.empty_close());
  }

  core::connection conn;
  observed_list received;                 // the fuzzer's event list
  std::vector<std::uint16_t> peer_closes;  // close frames the peer sent (1005: empty payload)
  event_list engine_events;               // what the engine reported to its application
  bool fuzzer_sent_close = false;
  bool fuzzer_closed_first = false;
  std::size_t writes = 0;

 private:
  void one_write(std::span<const std::byte> data) {
    ++writes;
    bytes buf(data.begin(), data.end());
    std::size_t pos = 0;
    for (;;) {
      const auto r = conn.receive(std::span<std::byte>{buf}.subspan(pos));
      pos += r.consumed;
      if (r.ev.type == core::event_type::none) {
        EXPECT_EQ(pos, buf.size());
        break;
      }
      if (r.ev.type == core::event_type::message) {
        // The echo. Assembled mode: every message event is a whole message.
        EXPECT_TRUE(r.ev.last);
        const auto e = conn.send(r.ev.kind, r.ev.payload);
        EXPECT_EQ(e, core::errc::ok) << "echo refused";
        recorded m;  // keep the engine's view light for large messages
        m.type = r.ev.type;
        m.kind = r.ev.kind;
        engine_events.push_back(m);
      } else {
        engine_events.push_back(record(r.ev));
      }
    }
    drain();
  }

  // The fuzzer reads what the peer wrote.
  void drain() {
    const auto frames = take_frames(conn);
    for (const auto& f : frames) {
      EXPECT_FALSE(f.masked) << "a server must not mask";
      EXPECT_EQ(f.rsv, 0) << "no extension was negotiated";
      switch (f.opcode) {
        case op::text:
        case op::binary:
          EXPECT_FALSE(in_message_) << "new message inside a fragmented one";
          partial_ = {f.opcode == op::text ? observed::kind::text : observed::kind::binary, f.payload};
          in_message_ = !f.fin;
          if (f.fin) received.push_back(std::move(partial_));
          break;
        case op::continuation:
          EXPECT_TRUE(in_message_) << "continuation with no message";
          append(partial_.payload, f.payload);
          if (f.fin) {
            in_message_ = false;
            received.push_back(std::move(partial_));
          }
          break;
        case op::pong:
          received.push_back({observed::kind::pong, f.payload});
          break;
        case op::ping:
          received.push_back({observed::kind::ping, f.payload});
          break;
        case op::close:
          EXPECT_TRUE(f.payload.size() != 1) << "one-byte close payload";
          peer_closes.push_back(close_code_of(f));
          break;
        default:
          ADD_FAILURE() << "peer wrote opcode " << int{f.opcode};
      }
    }
  }

  bool in_message_ = false;
  observed partial_;
};

// ------------------------------------------------------------------ judging the close column

// "Echo, then the fuzzer closes 1000, clean": the peer did not close on its own, answers the
// fuzzer's close once with 1000 (or an empty close), and then closes TCP itself.
inline void expect_fuzzer_closes_cleanly(echo_peer& peer, fuzzer& fz) {
  EXPECT_TRUE(peer.peer_closes.empty()) << "the peer closed first, code " << peer.peer_closes.front();
  EXPECT_FALSE(peer.conn.failed()) << "peer failed with " << core::make_error_code(peer.conn.failure()).message();
  peer.fuzzer_close(fz, 1000);
  ASSERT_EQ(peer.peer_closes.size(), 1u) << "the peer must answer the close exactly once";
  EXPECT_TRUE(peer.peer_closes[0] == 1000 || peer.peer_closes[0] == core::close_code::no_status)
      << "WRONG CODE " << peer.peer_closes[0];
  EXPECT_TRUE(peer.conn.closing_complete());
  EXPECT_TRUE(peer.conn.should_close_transport()) << "a server closes TCP first (else FAILED BY CLIENT)";
}

// "fail <code>": the peer starts the close with this code before the fuzzer does, and drops TCP.
inline void expect_peer_fails(echo_peer& peer, std::uint16_t code) {
  ASSERT_EQ(peer.peer_closes.size(), 1u) << "the peer must send exactly one close";
  EXPECT_EQ(peer.peer_closes[0], code) << "WRONG CODE";
  EXPECT_FALSE(peer.fuzzer_closed_first) << "the fuzzer had to close: the peer never noticed";
  EXPECT_TRUE(peer.conn.failed());
  EXPECT_TRUE(peer.conn.should_close_transport());
  ASSERT_FALSE(peer.engine_events.empty());
  EXPECT_EQ(peer.engine_events.back().type, core::event_type::error);
  EXPECT_EQ(peer.engine_events.back().code, code);
}

// Group 7: the fuzzer closed; the peer's one answer carries one of `allowed` and ends the
// connection cleanly (a failure close counts when 1002 is allowed).
inline void expect_close_answer(echo_peer& peer, std::initializer_list<std::uint16_t> allowed) {
  ASSERT_EQ(peer.peer_closes.size(), 1u) << "the peer must answer exactly once";
  const auto code = peer.peer_closes[0];
  EXPECT_NE(std::find(allowed.begin(), allowed.end(), code), allowed.end()) << "WRONG CODE " << code;
  EXPECT_TRUE(peer.conn.closing_complete());
  EXPECT_TRUE(peer.conn.should_close_transport());
}

// Times a case against its deadline.
class deadline {
 public:
  explicit deadline(double seconds) : limit_(seconds), start_(std::chrono::steady_clock::now()) {}
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void check() const { EXPECT_LT(elapsed(), limit_) << "case deadline passed"; }

 private:
  double limit_;
  std::chrono::steady_clock::time_point start_;
};

// "1.1.8" -> "case_1_1_8", for test names.
inline std::string case_name(std::string id) {
  for (auto& c : id) {
    if (c == '.') c = '_';
  }
  return "case_" + id;
}

}  // namespace websock::test::autobahn
