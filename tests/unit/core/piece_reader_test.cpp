// core::piece_reader: messages handed out in caller-sized pieces over a streaming connection.
// Test names start with the RFC 6455 section whose rule they check.
#include "websock/core/piece_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

using core::errc;
using core::message_kind;
using core::piece_type;

const std::string kosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";  // Greek, 2- and 3-byte sequences

core::connection_options streaming(core::connection_options o = server_options()) {
  o.assemble_messages = false;
  return o;
}

// One piece as the caller saw it, with the reader's message state right after it.
struct got {
  piece_type type = piece_type::need_input;
  message_kind kind = message_kind::binary;
  bool last = false;
  std::string bytes;
  std::uint16_t code = 0;
  errc error = errc::ok;
  bool open_after = false;
  message_kind open_kind_after = message_kind::binary;
};

struct run {
  std::vector<got> pieces;
  std::vector<std::string> problems;  // broken invariants, checked on every call
};

// Feeds `wire` in reads of `chunk` bytes (0: all at once) and pulls pieces into a buffer of
// `buffer_size` bytes (copy mode) or views of at most that many input bytes (in place) until
// each read is used up.
run read_all(const bytes& wire, std::size_t chunk, std::size_t buffer_size, bool in_place = false,
             core::connection_options options = streaming()) {
  core::connection conn(options);
  core::piece_reader reader;
  bytes work = wire;  // kept whole: a held remainder points into bytes already consumed
  std::vector<std::byte> buffer(buffer_size);
  const auto into = in_place ? core::piece_buffer::in_place(buffer_size)
                             : core::piece_buffer::copy_into(buffer);
  run out;
  const std::size_t step = chunk == 0 ? std::max<std::size_t>(work.size(), 1) : chunk;
  for (std::size_t at = 0; at < work.size(); at += step) {
    std::span<std::byte> in = std::span<std::byte>(work).subspan(at, std::min(step, work.size() - at));
    for (;;) {
      const core::piece_result r = reader.next(conn, in, into);
      if (r.consumed > in.size()) out.problems.push_back("consumed more than the input");
      in = in.subspan(std::min(r.consumed, in.size()));
      const core::piece& p = r.piece;
      if (p.type == piece_type::need_input) {
        if (!in.empty()) out.problems.push_back("need_input with input left");
        if (reader.has_remainder()) out.problems.push_back("need_input with a remainder held");
        break;
      }
      if (p.type == piece_type::data) {
        if (p.bytes.size() > buffer_size) out.problems.push_back("piece larger than the buffer");
        if (!in_place && !p.bytes.empty() && p.bytes.data() != buffer.data()) {
          out.problems.push_back("copied piece not in the caller's buffer");
        }
        if (in_place && !p.bytes.empty() &&
            (p.bytes.data() < work.data() || p.bytes.data() + p.bytes.size() > work.data() + work.size())) {
          out.problems.push_back("in-place piece outside the input");
        }
      }
      got g;
      g.type = p.type;
      g.kind = p.kind;
      g.last = p.last;
      g.bytes = to_string(p.bytes);
      g.code = p.code;
      g.error = p.error;
      g.open_after = reader.message_open();
      g.open_kind_after = reader.open_kind();
      out.pieces.push_back(g);
    }
  }
  return out;
}

// The data pieces joined into messages; a message without its last piece is left out.
std::vector<std::string> messages_of(const run& r) {
  std::vector<std::string> out;
  std::string current;
  for (const got& g : r.pieces) {
    if (g.type != piece_type::data) continue;
    current += g.bytes;
    if (g.last) out.push_back(std::exchange(current, {}));
  }
  return out;
}

std::vector<piece_type> types_of(const run& r) {
  std::vector<piece_type> out;
  for (const got& g : r.pieces) out.push_back(g.type);
  return out;
}

const std::vector<std::size_t>& buffer_sizes() {
  static const std::vector<std::size_t> sizes{1, 2, 3, 7, 64, 100000};
  return sizes;
}

std::string label(std::size_t chunk, std::size_t buffer) {
  return chunk_label(chunk) + ", buffer of " + std::to_string(buffer);
}

// ================================================================= 5.4 fragmentation

TEST(piece_reader, rfc5_4_message_fits_the_buffer_is_one_last_piece) {
  const run r = read_all(client_frame(op::binary, "hello"), 0, 64);
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.pieces.size(), 1u);
  EXPECT_EQ(r.pieces[0].type, piece_type::data);
  EXPECT_EQ(r.pieces[0].kind, message_kind::binary);
  EXPECT_TRUE(r.pieces[0].last);
  EXPECT_EQ(r.pieces[0].bytes, "hello");
  EXPECT_FALSE(r.pieces[0].open_after);
}

TEST(piece_reader, rfc5_4_buffer_of_one_byte_hands_out_one_byte_per_piece) {
  const run r = read_all(client_frame(op::text, "abcd"), 0, 1);
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.pieces.size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(r.pieces[i].bytes, std::string(1, "abcd"[i]));
    EXPECT_EQ(r.pieces[i].kind, message_kind::text);
    EXPECT_EQ(r.pieces[i].last, i == 3) << i;
    EXPECT_EQ(r.pieces[i].open_after, i != 3) << i;
  }
}

TEST(piece_reader, rfc5_4_remainder_is_handed_out_before_more_input_is_parsed) {
  core::connection conn(streaming());
  core::piece_reader reader;
  bytes wire = concat({client_frame(op::binary, "abcdef"), client_frame(op::binary, "xy")});
  std::array<std::byte, 4> buffer{};
  std::span<std::byte> in{wire};

  core::piece_result r = reader.next(conn, in, core::piece_buffer::copy_into(buffer));
  EXPECT_EQ(to_string(r.piece.bytes), "abcd");
  EXPECT_FALSE(r.piece.last);
  EXPECT_TRUE(reader.has_remainder());
  in = in.subspan(r.consumed);
  ASSERT_FALSE(in.empty()) << "the second frame is not parsed yet";

  r = reader.next(conn, in, core::piece_buffer::copy_into(buffer));
  EXPECT_EQ(r.consumed, 0u) << "the remainder comes from bytes already consumed";
  EXPECT_EQ(to_string(r.piece.bytes), "ef");
  EXPECT_TRUE(r.piece.last);
  EXPECT_FALSE(reader.has_remainder());

  r = reader.next(conn, in, core::piece_buffer::copy_into(buffer));
  EXPECT_EQ(to_string(r.piece.bytes), "xy");
  EXPECT_TRUE(r.piece.last);
  in = in.subspan(r.consumed);
  EXPECT_EQ(reader.next(conn, in, core::piece_buffer::copy_into(buffer)).piece.type,
            piece_type::need_input);
}

TEST(piece_reader, rfc5_4_fragmented_message_across_input_splits_and_buffer_sizes) {
  const bytes a = repeat("0123456789", 13);
  const bytes b = repeat("abcdefghij", 7);
  const bytes c = repeat("ABCDEFGHIJ", 20);
  const bytes wire = concat({client_frame(op::binary, a, false), client_frame(op::continuation, b, false),
                             client_frame(op::continuation, c, true), client_frame(op::text, "next")});
  const std::string whole = to_string(concat({a, b, c}));
  for (std::size_t chunk : {0u, 1u, 2u, 3u, 7u, 100u}) {
    for (std::size_t size : buffer_sizes()) {
      for (bool in_place : {false, true}) {
        const run r = read_all(wire, chunk, size, in_place);
        EXPECT_TRUE(r.problems.empty()) << label(chunk, size) << ": " << r.problems.front();
        EXPECT_EQ(messages_of(r), (std::vector<std::string>{whole, "next"})) << label(chunk, size);
        std::size_t lasts = 0;
        for (const got& g : r.pieces) {
          lasts += g.last;
          if (lasts == 0) {
            EXPECT_EQ(g.kind, message_kind::binary);
            EXPECT_TRUE(g.open_after);
            EXPECT_EQ(g.open_kind_after, message_kind::binary);
          }
        }
        EXPECT_EQ(lasts, 2u) << label(chunk, size);
        EXPECT_EQ(r.pieces.back().kind, message_kind::text);
      }
    }
  }
}

TEST(piece_reader, rfc5_4_empty_final_frame_ends_the_message_with_an_empty_piece) {
  const bytes wire = concat({client_frame(op::text, "abc", false), client_frame(op::continuation, "", true)});
  for (std::size_t chunk : standard_chunks()) {
    const run r = read_all(wire, chunk, 64);
    EXPECT_TRUE(r.problems.empty()) << chunk_label(chunk);
    ASSERT_FALSE(r.pieces.empty()) << chunk_label(chunk);
    const got& end = r.pieces.back();
    EXPECT_EQ(end.type, piece_type::data);
    EXPECT_TRUE(end.last);
    EXPECT_EQ(end.bytes, "");
    EXPECT_EQ(end.kind, message_kind::text);
    EXPECT_FALSE(end.open_after);
    EXPECT_EQ(messages_of(r), std::vector<std::string>{"abc"}) << chunk_label(chunk);
  }
}

TEST(piece_reader, rfc5_4_empty_message_is_one_empty_last_piece) {
  const run r = read_all(client_frame(op::binary, ""), 0, 1);
  ASSERT_EQ(r.pieces.size(), 1u);
  EXPECT_EQ(r.pieces[0].type, piece_type::data);
  EXPECT_TRUE(r.pieces[0].last);
  EXPECT_EQ(r.pieces[0].bytes, "");
}

TEST(piece_reader, rfc5_4_partial_header_needs_input_and_consumes_it) {
  core::connection conn(streaming());
  core::piece_reader reader;
  bytes wire = client_frame(op::binary, "abc");
  std::array<std::byte, 8> buffer{};
  const core::piece_result r =
      reader.next(conn, std::span<std::byte>(wire).first(3), core::piece_buffer::copy_into(buffer));
  EXPECT_EQ(r.piece.type, piece_type::need_input);
  EXPECT_EQ(r.consumed, 3u);
  EXPECT_FALSE(reader.message_open());
}

// ================================================================= 5.5 control frames

TEST(piece_reader, rfc5_5_control_frames_between_pieces_pass_through) {
  const bytes wire = concat({client_frame(op::text, "Hel", false), client_frame(op::ping, "p"),
                             client_frame(op::continuation, "lo", false), client_frame(op::pong, "q"),
                             client_frame(op::continuation, "!", true)});
  for (std::size_t chunk : standard_chunks()) {
    for (std::size_t size : buffer_sizes()) {
      const run r = read_all(wire, chunk, size);
      EXPECT_TRUE(r.problems.empty()) << label(chunk, size);
      EXPECT_EQ(messages_of(r), std::vector<std::string>{"Hello!"}) << label(chunk, size);
      std::vector<piece_type> controls;
      for (const got& g : r.pieces) {
        if (g.type == piece_type::data) continue;
        controls.push_back(g.type);
        EXPECT_EQ(g.bytes, g.type == piece_type::ping ? "p" : "q");
        EXPECT_TRUE(g.open_after) << "the text message is still open";
        EXPECT_EQ(g.open_kind_after, message_kind::text);
      }
      EXPECT_EQ(controls, (std::vector<piece_type>{piece_type::ping, piece_type::pong})) << label(chunk, size);
    }
  }
}

TEST(piece_reader, rfc5_5_control_frame_waits_for_the_held_remainder) {
  const bytes wire = concat({client_frame(op::binary, "abcdef", false), client_frame(op::ping, "p"),
                             client_frame(op::continuation, "g", true)});
  const run r = read_all(wire, 0, 4);
  EXPECT_EQ(types_of(r), (std::vector<piece_type>{piece_type::data, piece_type::data, piece_type::ping,
                                                  piece_type::data}));
  ASSERT_EQ(r.pieces.size(), 4u);
  EXPECT_EQ(r.pieces[0].bytes, "abcd");
  EXPECT_EQ(r.pieces[1].bytes, "ef");
  EXPECT_FALSE(r.pieces[1].last);
  EXPECT_EQ(r.pieces[3].bytes, "g");
  EXPECT_TRUE(r.pieces[3].last);
}

TEST(piece_reader, rfc5_5_fragmented_control_frame_is_an_error_piece) {
  const run r = read_all(client_frame(op::ping, "x", false), 0, 8);
  ASSERT_EQ(r.pieces.size(), 1u);
  EXPECT_EQ(r.pieces[0].type, piece_type::error);
  EXPECT_EQ(r.pieces[0].error, errc::fragmented_control_frame);
  EXPECT_EQ(r.pieces[0].code, core::close_code::protocol_error);
}

// ================================================================= 5.6 text, UTF-8

TEST(piece_reader, rfc5_6_text_split_inside_a_utf8_sequence_joins_back_whole) {
  const bytes wire = concat({client_frame(op::text, kosme.substr(0, 3), false),
                             client_frame(op::continuation, kosme.substr(3), true)});
  for (std::size_t chunk : standard_chunks()) {
    for (std::size_t size : {1u, 2u, 4u, 5u}) {
      const run r = read_all(wire, chunk, size);
      EXPECT_TRUE(r.problems.empty()) << label(chunk, size);
      EXPECT_EQ(messages_of(r), std::vector<std::string>{kosme}) << label(chunk, size);
      for (const got& g : r.pieces) EXPECT_EQ(g.kind, message_kind::text);
    }
  }
  // A one-byte buffer cuts the first two-byte sequence in half.
  const run r = read_all(wire, 0, 1);
  ASSERT_FALSE(r.pieces.empty());
  EXPECT_EQ(r.pieces[0].bytes, "\xce");
  EXPECT_FALSE(r.pieces[0].last);
}

TEST(piece_reader, rfc5_6_invalid_utf8_is_an_error_piece_whatever_the_splits) {
  const bytes wire = concat({client_frame(op::text, "ok\xce", false), client_frame(op::continuation, "(", true)});
  for (std::size_t chunk : standard_chunks()) {
    for (std::size_t size : {1u, 64u}) {
      const run r = read_all(wire, chunk, size);
      ASSERT_FALSE(r.pieces.empty()) << label(chunk, size);
      EXPECT_EQ(r.pieces.back().type, piece_type::error) << label(chunk, size);
      EXPECT_EQ(r.pieces.back().error, errc::invalid_utf8) << label(chunk, size);
      EXPECT_EQ(r.pieces.back().code, core::close_code::invalid_payload) << label(chunk, size);
      EXPECT_TRUE(messages_of(r).empty()) << "no last piece for a failed message";
    }
  }
}

// ================================================================= 7.1 closing

TEST(piece_reader, rfc7_1_5_close_passes_code_and_reason) {
  const run r = read_all(client_frame(op::close, close_body(1000, "bye")), 1, 8);
  ASSERT_EQ(r.pieces.size(), 1u);
  EXPECT_EQ(r.pieces[0].type, piece_type::close);
  EXPECT_EQ(r.pieces[0].code, 1000);
  EXPECT_EQ(r.pieces[0].bytes, "bye");
}

TEST(piece_reader, rfc7_1_5_empty_close_reports_1005) {
  const run r = read_all(client_frame(op::close, ""), 0, 8);
  ASSERT_EQ(r.pieces.size(), 1u);
  EXPECT_EQ(r.pieces[0].type, piece_type::close);
  EXPECT_EQ(r.pieces[0].code, core::close_code::no_status);
  EXPECT_EQ(r.pieces[0].bytes, "");
}

TEST(piece_reader, rfc7_1_close_inside_a_message_leaves_it_open) {
  const bytes wire = concat({client_frame(op::binary, "ab", false), client_frame(op::close, close_body(1001)),
                             client_frame(op::continuation, "ignored", true)});
  const run r = read_all(wire, 0, 8);
  EXPECT_EQ(types_of(r), (std::vector<piece_type>{piece_type::data, piece_type::close}));
  ASSERT_EQ(r.pieces.size(), 2u);
  EXPECT_EQ(r.pieces[1].code, 1001);
  EXPECT_TRUE(r.pieces[1].open_after) << "the message never ended";
  EXPECT_EQ(r.pieces[1].open_kind_after, message_kind::binary);
}

TEST(piece_reader, rfc7_1_7_protocol_error_passes_its_errc_and_close_code) {
  const run r = read_all(server_frame(op::binary, "unmasked"), 0, 8);
  ASSERT_EQ(r.pieces.size(), 1u);
  EXPECT_EQ(r.pieces[0].type, piece_type::error);
  EXPECT_EQ(r.pieces[0].error, errc::unmasked_frame);
  EXPECT_EQ(r.pieces[0].code, core::close_code::protocol_error);
}

// ================================================================= in place

TEST(piece_reader, in_place_views_at_most_the_limit_of_the_input) {
  const run r = read_all(client_frame(op::binary, "abcdefg"), 0, 3, true);
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.pieces.size(), 3u);
  EXPECT_EQ(r.pieces[0].bytes, "abc");
  EXPECT_EQ(r.pieces[1].bytes, "def");
  EXPECT_EQ(r.pieces[2].bytes, "g");
  EXPECT_TRUE(r.pieces[2].last);
}

TEST(piece_reader, in_place_without_limit_hands_out_the_whole_engine_piece) {
  core::connection conn(streaming());
  core::piece_reader reader;
  bytes wire = client_frame(op::binary, repeat("z", 1000));
  const core::piece_result r = reader.next(conn, wire, core::piece_buffer::in_place());
  EXPECT_EQ(r.piece.bytes.size(), 1000u);
  EXPECT_EQ(r.piece.bytes.data(), wire.data() + 8) << "2+2 header bytes, 4 key bytes: a view, no copy";
  EXPECT_TRUE(r.piece.last);
}

}  // namespace
}  // namespace websock::test
