// Autobahn|Testsuite groups 12 and 13 (permessage-deflate, RFC 7692) as engine tests, in both
// roles. The engine is the peer under test, an echo; the test is the fuzzer. Each case negotiates
// through the engine's real handshake (an HTTP upgrade with Sec-WebSocket-Extensions), then sends
// messages one at a time, each the next slice of a data set, compressed by the fuzzer's own zlib
// stream (not the engine's code), split into frames of the case's fragment size; every echo is
// inflated by the fuzzer with exactly the window and the context rule the answer agreed on, so an
// engine that compresses with a larger window or keeps a context it promised to drop fails.
// See /work/shared/conformance-cases.md, "12 and 13", and tests/conformance/README.md.
#pragma once

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "autobahn_driver.hpp"
#include "websock/core/handshake.hpp"

namespace websock::test::autobahn::pmd {

// ------------------------------------------------------------------ the fuzzer's zlib

// One direction's raw-deflate stream as the fuzzer runs it (Autobahn's is Python's zlib). A
// window of 8 becomes 9, as zlib itself does for raw deflate.
class fuzzer_compressor {
 public:
  fuzzer_compressor(int window_bits, bool reset_each) : reset_each_(reset_each) {
    EXPECT_EQ(deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -std::max(window_bits, 9), 8,
                           Z_DEFAULT_STRATEGY),
              Z_OK);
  }
  ~fuzzer_compressor() { deflateEnd(&zs_); }
  fuzzer_compressor(const fuzzer_compressor&) = delete;
  fuzzer_compressor& operator=(const fuzzer_compressor&) = delete;

  // One message's compressed payload, the trailing 00 00 ff ff dropped (RFC 7692 7.2.1).
  bytes compress(std::span<const std::byte> message) {
    bytes out;
    std::vector<unsigned char> buf(64 << 10);
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(message.data()));
    zs_.avail_in = static_cast<uInt>(message.size());
    do {
      zs_.next_out = buf.data();
      zs_.avail_out = static_cast<uInt>(buf.size());
      EXPECT_NE(deflate(&zs_, Z_SYNC_FLUSH), Z_STREAM_ERROR);
      const auto* b = reinterpret_cast<const std::byte*>(buf.data());
      out.insert(out.end(), b, b + (buf.size() - zs_.avail_out));
    } while (zs_.avail_out == 0);
    EXPECT_GE(out.size(), 4u);
    EXPECT_EQ(to_hex(bytes(out.end() - 4, out.end())), "00 00 ff ff");
    out.resize(out.size() - 4);
    if (reset_each_) deflateReset(&zs_);
    return out;
  }

 private:
  z_stream zs_{};
  bool reset_each_;
};

class fuzzer_decompressor {
 public:
  // Exactly the agreed window: a peer that refers further back fails to inflate.
  fuzzer_decompressor(int window_bits, bool reset_each) : reset_each_(reset_each) {
    EXPECT_EQ(inflateInit2(&zs_, -window_bits), Z_OK);
  }
  ~fuzzer_decompressor() { inflateEnd(&zs_); }
  fuzzer_decompressor(const fuzzer_decompressor&) = delete;
  fuzzer_decompressor& operator=(const fuzzer_decompressor&) = delete;

  // False (with `problem` set) when the payload does not inflate.
  bool decompress(bytes payload, bytes& out, std::string& problem) {
    append(payload, from_hex("00 00 ff ff"));
    std::vector<unsigned char> buf(64 << 10);
    zs_.next_in = reinterpret_cast<Bytef*>(payload.data());
    zs_.avail_in = static_cast<uInt>(payload.size());
    for (;;) {
      zs_.next_out = buf.data();
      zs_.avail_out = static_cast<uInt>(buf.size());
      const int rc = inflate(&zs_, Z_SYNC_FLUSH);
      const auto* b = reinterpret_cast<const std::byte*>(buf.data());
      out.insert(out.end(), b, b + (buf.size() - zs_.avail_out));
      if (rc != Z_OK && rc != Z_BUF_ERROR) {
        problem = std::string("inflate: ") + (zs_.msg != nullptr ? zs_.msg : std::to_string(rc));
        return false;
      }
      if (zs_.avail_in == 0 && zs_.avail_out != 0) break;
      if (rc == Z_BUF_ERROR && zs_.avail_out != 0) break;
    }
    if (reset_each_) inflateReset(&zs_);
    return true;
  }

 private:
  z_stream zs_{};
  bool reset_each_;
};

// ------------------------------------------------------------------ data sets (12.1 - 12.5)

// Made here, deterministically, in the kind and size of Autobahn's files (which are not ours to
// copy): what matters to a compressor is how repetitive the bytes are.
struct data_set {
  const char* id;
  bool text;  // sent as text and sliced by code points; else binary, sliced by bytes
  bytes data;
};

inline bytes json_document() {  // 12.1, like data1.json: 194,056 B of JSON
  std::mt19937 rng(1);
  const char* cities[] = {"Berlin", "Lisbon", "Osaka", "Quito", "Lagos", "Perth", "Oslo", "Lima"};
  const char* tags[] = {"alpha", "beta", "gamma", "delta", "omega", "sigma"};
  std::string s = "[";
  for (int id = 0; s.size() < 194056; ++id) {
    s += "{\"id\":" + std::to_string(id) + ",\"guid\":\"" + std::to_string(rng()) + "-" +
         std::to_string(rng() % 10000) + "\",\"isActive\":" + (rng() % 2 ? "true" : "false") +
         ",\"balance\":\"$" + std::to_string(rng() % 4000) + "." + std::to_string(rng() % 100) +
         "\",\"age\":" + std::to_string(20 + rng() % 50) + ",\"address\":{\"city\":\"" + cities[rng() % 8] +
         "\",\"street\":\"" + std::to_string(rng() % 999) + " Main Street\"},\"tags\":[\"" + tags[rng() % 6] +
         "\",\"" + tags[rng() % 6] + "\"]},";
  }
  s.resize(194055);
  s += "]";
  return to_bytes(s);
}

inline bytes bitmap() {  // 12.2, like lena512.bmp: 263,222 B, 8-bit grey, 512 x 512
  bytes b(54 + 1024, std::byte{0});
  const auto put32 = [&](std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = std::byte(v >> (8 * i));
  };
  b[0] = std::byte{'B'};
  b[1] = std::byte{'M'};
  put32(2, 263222), put32(10, 54 + 1024), put32(14, 40), put32(18, 512), put32(22, 512);
  b[26] = std::byte{1};
  b[28] = std::byte{8};
  for (int i = 0; i < 256; ++i) {
    for (int c = 0; c < 3; ++c) b[54 + 4 * i + c] = std::byte(i);
  }
  std::mt19937 rng(2);
  for (int y = 0; y < 512; ++y) {
    for (int x = 0; x < 512; ++x) {
      const double v = 128 + 60 * std::sin(x / 23.0) * std::cos(y / 31.0) + 30 * std::sin((x + y) / 57.0);
      b.push_back(std::byte(static_cast<int>(v) + static_cast<int>(rng() % 12)));
    }
  }
  return b;
}

inline bytes german_text() {  // 12.3, like pg2229.txt (Faust I): 222,218 B, UTF-8, sent as binary
  const char* words[] = {"Faust", "Mephistopheles", "Gretchen", "und", "der", "die", "das", "ich", "nicht",
                         "Herz", "Geist", "W\xc3\xa4rme", "Gr\xc3\xb6\xc3\x9f" "e", "\xc3\xbc" "ber",
                         "Fr\xc3\xa4ulein", "Natur", "Himmel", "H\xc3\xb6lle", "so", "wie", "mein", "Welt"};
  std::mt19937 rng(3);
  std::string s;
  while (s.size() < 222218) {
    std::string line;
    while (line.size() < 60) line += std::string(words[rng() % 22]) + (rng() % 7 == 0 ? ", " : " ");
    s += line + (rng() % 5 == 0 ? ".\n\n" : "\n");
  }
  s.resize(222218);
  return to_bytes(s);
}

inline bytes html_document() {  // 12.4, like data1.html: 263,647 B, a few non-ASCII characters
  std::mt19937 rng(4);
  const char* words[] = {"the", "socket", "frame", "server", "client", "message", "caf\xc3\xa9", "na\xc3\xafve",
                         "\xe2\x80\x94", "data", "close", "handshake"};
  std::string s = "<!DOCTYPE html>\n<html><head><title>websock</title></head><body>\n";
  while (s.size() < 263600) {
    s += "<div class=\"row r" + std::to_string(rng() % 20) + "\"><p>";
    for (int w = 0; w < 12; ++w) s += std::string(words[rng() % 12]) + " ";
    s += "<a href=\"/page/" + std::to_string(rng() % 500) + "\">more</a></p></div>\n";
  }
  s += "</body></html>\n";
  return to_bytes(s);
}

inline bytes pdf_like() {  // 12.5, like a PDF: 1,042,328 B, mostly compressed streams
  std::mt19937 rng(5);
  std::string s = "%PDF-1.4\n";
  for (int obj = 1; s.size() < 1042328; ++obj) {
    const std::size_t len = 2048 + rng() % 6144;
    s += std::to_string(obj) + " 0 obj\n<< /Length " + std::to_string(len) + " /Filter /FlateDecode >>\nstream\n";
    for (std::size_t i = 0; i < len; ++i) s += static_cast<char>(rng());
    s += "\nendstream\nendobj\n";
  }
  s.resize(1042328);
  return to_bytes(s);
}

inline const std::vector<data_set>& data_sets() {
  static const std::vector<data_set> sets = {{"12_1", true, json_document()},
                                             {"12_2", false, bitmap()},
                                             {"12_3", false, german_text()},
                                             {"12_4", true, html_document()},
                                             {"12_5", false, pdf_like()}};
  return sets;
}

// The next slices of a data set, running on from the last and wrapping round to the start.
class slicer {
 public:
  explicit slicer(const data_set& set) : set_(set) {}
  bytes next(std::size_t size) {
    bytes out;
    std::size_t units = 0;  // code points for text, bytes otherwise
    while (units < size) {
      if (pos_ == set_.data.size()) pos_ = 0;
      std::size_t len = 1;
      if (set_.text) {  // the whole UTF-8 sequence of one code point
        while (pos_ + len < set_.data.size() && (std::to_integer<unsigned>(set_.data[pos_ + len]) & 0xC0) == 0x80) ++len;
      }
      out.insert(out.end(), set_.data.begin() + pos_, set_.data.begin() + pos_ + len);
      pos_ += len;
      ++units;
    }
    return out;
  }

 private:
  const data_set& set_;
  std::size_t pos_ = 0;
};

// ------------------------------------------------------------------ sub-cases (the 18 columns)

struct sub_case {
  int index;          // 1..18
  std::size_t size;   // before compression
  std::size_t frag;   // the fuzzer's frame size for the compressed bytes; 0: one frame
  double deadline_s;
};

inline const std::vector<sub_case>& sub_cases() {
  static const std::vector<sub_case> cases = {
      {1, 16, 0, 60},         {2, 64, 0, 60},          {3, 256, 0, 120},        {4, 1024, 0, 240},
      {5, 4096, 0, 480},      {6, 8192, 0, 480},       {7, 16384, 0, 480},      {8, 32768, 0, 480},
      {9, 65536, 0, 480},     {10, 131072, 0, 480},    {11, 8192, 256, 480},    {12, 16384, 256, 480},
      {13, 32768, 256, 480},  {14, 65536, 256, 480},   {15, 131072, 256, 480},  {16, 131072, 1024, 480},
      {17, 131072, 4096, 480}, {18, 131072, 32768, 480}};
  return cases;
}

// Autobahn sends 1000 messages per case. Here a case sends 1000 up to 256 B and about 256 KiB of
// data above (at least 4 messages, 512 KiB at 128 KiB), which already wraps the JSON data set and
// crosses every window, so that takeover and its absence both matter; make test stays quick. Set
// WEBSOCK_AUTOBAHN_FULL=1 for the suite's 1000 everywhere (about 1 GiB per data set).
inline std::size_t message_count(std::size_t size) {
  const char* full = std::getenv("WEBSOCK_AUTOBAHN_FULL");
  if (full != nullptr && std::string(full) == "1") return 1000;
  return std::clamp<std::size_t>((std::size_t{256} << 10) / size, 4, 1000);
}

// ------------------------------------------------------------------ negotiation (13.1 - 13.7)

// One parameter list of an element, as the fuzzer reads it: "name; a; b=9" -> {"a", "b=9"}.
inline std::vector<std::string> params_of(std::string_view element) {
  std::vector<std::string> out;
  std::size_t at = element.find(';');
  while (at != std::string_view::npos) {
    const std::size_t end = element.find(';', at + 1);
    std::string p(element.substr(at + 1, end == std::string_view::npos ? end : end - at - 1));
    p.erase(0, p.find_first_not_of(' '));
    p.erase(p.find_last_not_of(' ') + 1);
    out.push_back(p);
    at = end;
  }
  return out;
}
inline bool has_param(std::string_view element, std::string_view name) {
  for (const auto& p : params_of(element)) {
    if (p.substr(0, p.find('=')) == name) return true;
  }
  return false;
}
// The value of `name=N`, or `absent` when it is missing or has no value.
inline int param_value(std::string_view element, std::string_view name, int absent) {
  for (const auto& p : params_of(element)) {
    const auto eq = p.find('=');
    if (eq != std::string::npos && p.substr(0, eq) == name) return std::stoi(p.substr(eq + 1));
  }
  return absent;
}

struct negotiation_case {
  const char* id;
  // Fuzzer as client: the offers, in order of preference.
  std::vector<std::string> offers;
  // Fuzzer as server: what it adds to a plain accept of the engine's offer.
  std::string server_adds;
};

inline const std::string default_offer = "permessage-deflate; client_no_context_takeover; client_max_window_bits";

inline const std::vector<negotiation_case>& negotiation_cases() {
  static const std::vector<negotiation_case> cases = {
      {"13_1", {default_offer}, ""},
      {"13_2", {default_offer + "; server_no_context_takeover"}, "; client_no_context_takeover"},
      {"13_3", {default_offer + "; server_max_window_bits=9"}, "; client_max_window_bits=9"},
      {"13_4", {default_offer + "; server_max_window_bits=15"}, "; client_max_window_bits=15"},
      {"13_5", {default_offer + "; server_no_context_takeover; server_max_window_bits=9"},
       "; client_no_context_takeover; client_max_window_bits=9"},
      {"13_6", {default_offer + "; server_no_context_takeover; server_max_window_bits=15"},
       "; client_no_context_takeover; client_max_window_bits=15"},
      {"13_7",
       {default_offer + "; server_no_context_takeover; server_max_window_bits=9",
        default_offer + "; server_no_context_takeover", default_offer},
       "; client_no_context_takeover; client_max_window_bits=9"}};
  return cases;
}

// The 12.x cases use the default offer and a plain accept.
inline negotiation_case plain_negotiation() { return {"12", {default_offer}, ""}; }

// ------------------------------------------------------------------ one case

enum class engine_role { server, client };

inline std::string role_name(engine_role r) { return r == engine_role::server ? "server" : "client"; }

// The value of one header in a head, "" when absent (the fuzzer's own reading of the bytes).
inline std::string header_value(const std::string& head, std::string_view name) {
  std::string lower = head;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string key = "\r\n" + std::string(name) + ":";
  const auto at = lower.find(key);
  if (at == std::string::npos) return {};
  const auto start = at + key.size();
  std::string v = head.substr(start, head.find("\r\n", start) - start);
  v.erase(0, v.find_first_not_of(' '));
  return v;
}

// How each direction compresses, as the fuzzer derives it from the offer and answer it saw.
struct fuzzer_streams {
  int send_bits = 15;
  bool send_resets = false;
  int receive_bits = 15;
  bool receive_resets = false;
};

class deflate_case {
 public:
  deflate_case(engine_role role, const negotiation_case& negotiation) : role_(role) {
    role == engine_role::server ? negotiate_as_client(negotiation) : negotiate_as_server(negotiation);
  }

  bool negotiated() const { return conn_ != nullptr; }
  const std::string& answer() const { return answer_; }
  const fuzzer_streams& streams() const { return streams_; }

  // Sends `count` slices of `size` from `set`, each echoed before the next; false at the first failure.
  bool run(const data_set& set, const sub_case& sc, std::size_t count) {
    fuzzer_compressor compressor(streams_.send_bits, streams_.send_resets);
    fuzzer_decompressor decompressor(streams_.receive_bits, streams_.receive_resets);
    slicer slices(set);
    const std::uint8_t opcode = set.text ? op::text : op::binary;
    for (std::size_t i = 0; i < count; ++i) {
      const bytes message = slices.next(sc.size);
      const bytes compressed = compressor.compress(message);
      const std::size_t frag = sc.frag == 0 ? std::max<std::size_t>(compressed.size(), 1) : sc.frag;
      for (std::size_t at = 0; at == 0 || at < compressed.size(); at += frag) {
        const std::size_t n = std::min(frag, compressed.size() - at);
        const auto piece = std::span<const std::byte>(compressed).subspan(at, n);
        write(frame(at == 0 ? opcode : op::continuation, piece, at + n >= compressed.size(), at == 0 ? 0x40 : 0));
        if (::testing::Test::HasFailure()) return false;
      }
      const auto echo = read_message(decompressor);
      if (!echo) return false;
      if (echo->first != opcode || echo->second != message) {
        ADD_FAILURE() << "message " << i << ": echo of " << echo->second.size() << " B, opcode " << int{echo->first}
                      << ", differs from the " << message.size() << " B sent";
        return false;
      }
    }
    return true;
  }

  // The fuzzer closes with 1000; the engine answers once with 1000 and the close completes.
  void close_cleanly() {
    write(frame(op::close, close_body(1000), true, 0));
    const auto frames = take_frames(*conn_);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].opcode, op::close);
    EXPECT_EQ(close_code_of(frames[0]), 1000);
    EXPECT_TRUE(conn_->closing_complete());
    EXPECT_FALSE(conn_->failed());
  }

 private:
  // The engine is the server: the fuzzer's upgrade request carries the case's offers.
  void negotiate_as_client(const negotiation_case& nc) {
    std::string extensions;
    for (const auto& o : nc.offers) extensions += (extensions.empty() ? "" : ", ") + o;
    const std::string request =
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Extensions: " + extensions + "\r\n\r\n";
    core::server_handshake_options options;
    options.deflate.enabled = true;  // `websock serve --deflate`
    core::server_handshake hs(options);
    hs.feed(request);
    ASSERT_TRUE(hs.accepted()) << hs.response();
    answer_ = header_value(hs.response(), "sec-websocket-extensions");
    ASSERT_EQ(answer_.rfind("permessage-deflate", 0), 0u) << "not negotiated: " << hs.response();
    ASSERT_TRUE(hs.chosen().deflate.has_value());
    // RFC 7692 7.1: the answer grants what the accepted offer asked of the server.
    const std::string& first = nc.offers.front();
    if (has_param(first, "server_no_context_takeover")) {
      EXPECT_TRUE(has_param(answer_, "server_no_context_takeover")) << answer_;
    }
    const int asked = param_value(first, "server_max_window_bits", 15);
    EXPECT_LE(param_value(answer_, "server_max_window_bits", 15), asked) << answer_;
    streams_.send_bits = param_value(answer_, "client_max_window_bits", 15);
    streams_.send_resets = has_param(answer_, "client_no_context_takeover") || has_param(first, "client_no_context_takeover");
    streams_.receive_bits = param_value(answer_, "server_max_window_bits", 15);
    streams_.receive_resets = has_param(answer_, "server_no_context_takeover");
    core::connection_options o;
    o.endpoint_role = core::role::server;
    o.deflate = core::session_for(options.deflate, *hs.chosen().deflate);
    conn_ = std::make_unique<core::connection>(std::move(o));
  }

  // The engine is the client: its offer is answered with a plain accept plus the case's additions.
  void negotiate_as_server(const negotiation_case& nc) {
    core::client_handshake_options options;
    options.host = "127.0.0.1";
    options.deflate.enabled = true;  // `websock connect --deflate`
    core::client_handshake hs(options);
    const std::string request = hs.request();
    const std::string offer = header_value(request, "sec-websocket-extensions");
    ASSERT_EQ(offer.rfind("permessage-deflate", 0), 0u) << request;
    answer_ = "permessage-deflate";
    if (has_param(offer, "server_no_context_takeover")) answer_ += "; server_no_context_takeover";
    if (param_value(offer, "server_max_window_bits", 15) < 15) {
      answer_ += "; server_max_window_bits=" + std::to_string(param_value(offer, "server_max_window_bits", 15));
    }
    if (!nc.server_adds.empty()) {
      ASSERT_TRUE(nc.server_adds.find("client_max_window_bits") == std::string::npos ||
                  has_param(offer, "client_max_window_bits"))
          << "the offer lacks client_max_window_bits: " << offer;
      answer_ += nc.server_adds;
    }
    const std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Accept: " + core::compute_accept_key(hs.key()) +
                                 "\r\nSec-WebSocket-Extensions: " + answer_ + "\r\n\r\n";
    hs.feed(response);
    ASSERT_TRUE(hs.done());
    ASSERT_EQ(hs.error(), core::errc::ok) << core::make_error_code(hs.error()).message() << " for " << answer_;
    ASSERT_TRUE(hs.result().deflate.has_value());
    streams_.send_bits = param_value(answer_, "server_max_window_bits", 15);
    streams_.send_resets = has_param(answer_, "server_no_context_takeover");
    streams_.receive_bits = param_value(answer_, "client_max_window_bits", 15);
    streams_.receive_resets = has_param(answer_, "client_no_context_takeover");
    core::connection_options o;
    o.endpoint_role = core::role::client;
    o.deflate = core::session_for(options.deflate, *hs.result().deflate);
    conn_ = std::make_unique<core::connection>(std::move(o));
  }

  bytes frame(std::uint8_t opcode, std::span<const std::byte> payload, bool fin, std::uint8_t rsv) {
    if (role_ == engine_role::client) return server_frame(opcode, payload, fin, rsv);  // a server does not mask
    const std::uint32_t v = static_cast<std::uint32_t>(rng_());
    const core::mask_key key{std::byte(v), std::byte(v >> 8), std::byte(v >> 16), std::byte(v >> 24)};
    return client_frame(opcode, payload, fin, key, rsv);
  }

  // One write of the fuzzer; the engine echoes each message it completes.
  void write(const bytes& data) {
    for (const auto& e : feed(*conn_, data)) {
      if (e.type == core::event_type::message) {
        EXPECT_TRUE(e.last);
        EXPECT_EQ(conn_->send(e.kind, e.payload), core::errc::ok) << "echo refused";
      } else if (e.type == core::event_type::error) {
        ADD_FAILURE() << "engine failed: " << core::make_error_code(e.error).message() << ", close " << e.code;
      }
    }
  }

  // The echo the engine wrote: opcode and inflated payload, or nullopt after a failure.
  std::optional<std::pair<std::uint8_t, bytes>> read_message(fuzzer_decompressor& decompressor) {
    const auto frames = take_frames(*conn_);
    if (frames.empty()) {
      ADD_FAILURE() << "no echo";
      return std::nullopt;
    }
    const bool compressed = (frames[0].rsv & 0x40) != 0;
    bytes payload;
    for (std::size_t i = 0; i < frames.size(); ++i) {
      const auto& f = frames[i];
      EXPECT_EQ(f.masked, role_ == engine_role::client) << "a client masks, a server does not";
      EXPECT_EQ(f.rsv & (i == 0 ? 0x30 : 0x70), 0) << "RSV1 belongs on the first frame only: " << describe(f);
      EXPECT_EQ(f.opcode == op::continuation, i != 0) << describe(f);
      EXPECT_EQ(f.fin, i + 1 == frames.size()) << "one echo per message: " << describe(f);
      append(payload, f.payload);
    }
    if (::testing::Test::HasFailure()) return std::nullopt;
    if (!compressed) return std::pair{frames[0].opcode, std::move(payload)};
    bytes inflated;
    std::string problem;
    if (!decompressor.decompress(std::move(payload), inflated, problem)) {
      ADD_FAILURE() << "the echo does not inflate with the agreed window and context: " << problem;
      return std::nullopt;
    }
    return std::pair{frames[0].opcode, std::move(inflated)};
  }

  engine_role role_;
  std::unique_ptr<core::connection> conn_;
  std::string answer_;
  fuzzer_streams streams_;
  std::mt19937 rng_{7692};
};

// Runs one case to its end: negotiated, every echo right within the deadline, a clean close.
inline void run_case(engine_role role, const negotiation_case& nc, const data_set& set, const sub_case& sc) {
  const deadline limit(sc.deadline_s);
  deflate_case c(role, nc);
  ASSERT_TRUE(c.negotiated()) << "UNIMPLEMENTED: the engine did not agree to permessage-deflate";
  ASSERT_TRUE(c.run(set, sc, message_count(sc.size))) << "answer: " << c.answer();
  c.close_cleanly();
  limit.check();
}

}  // namespace websock::test::autobahn::pmd
