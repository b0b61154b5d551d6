// RFC 6455 section 5.2: the base framing protocol's header.
#include "websock/core/frame.hpp"

#include <gtest/gtest.h>

#include "engine_driver.hpp"

namespace websock::test {
namespace {

bytes encoded(const core::frame_header& h) {
  const auto e = core::encode_header(h);
  return bytes(e.data(), e.data() + e.size);
}

core::frame_header header(core::opcode o, std::uint64_t size, bool fin = true,
                          std::optional<core::mask_key> mask = std::nullopt, std::uint8_t rsv = 0) {
  core::frame_header h;
  h.fin = fin;
  h.rsv = rsv;
  h.op = o;
  h.payload_size = size;
  h.mask = mask;
  return h;
}

// ---- RFC 6455 section 5.7 examples (the headers; payloads are the engine's concern)

TEST(frame, rfc_5_7_single_frame_unmasked_text) {
  EXPECT_EQ(encoded(header(core::opcode::text, 5)), from_hex("81 05"));
}

TEST(frame, rfc_5_7_single_frame_masked_text) {
  EXPECT_EQ(encoded(header(core::opcode::text, 5, true, rfc_key)), from_hex("81 85 37 fa 21 3d"));
}

TEST(frame, rfc_5_7_fragmented_unmasked_text) {
  EXPECT_EQ(encoded(header(core::opcode::text, 3, false)), from_hex("01 03"));
  EXPECT_EQ(encoded(header(core::opcode::continuation, 2, true)), from_hex("80 02"));
}

TEST(frame, rfc_5_7_unmasked_ping_and_masked_pong) {
  EXPECT_EQ(encoded(header(core::opcode::ping, 5)), from_hex("89 05"));
  EXPECT_EQ(encoded(header(core::opcode::pong, 5, true, rfc_key)), from_hex("8a 85 37 fa 21 3d"));
}

TEST(frame, rfc_5_7_binary_256_bytes_uses_16_bit_length) {
  EXPECT_EQ(encoded(header(core::opcode::binary, 256)), from_hex("82 7e 01 00"));
}

TEST(frame, rfc_5_7_binary_64_kib_uses_64_bit_length) {
  EXPECT_EQ(encoded(header(core::opcode::binary, 65536)), from_hex("82 7f 00 00 00 00 00 01 00 00"));
}

// ---- the three payload length forms, always minimal

TEST(frame, seven_bit_length_up_to_125) {
  EXPECT_EQ(encoded(header(core::opcode::binary, 0)), from_hex("82 00"));
  EXPECT_EQ(encoded(header(core::opcode::binary, 125)), from_hex("82 7d"));
}

TEST(frame, sixteen_bit_length_from_126_to_65535) {
  EXPECT_EQ(encoded(header(core::opcode::binary, 126)), from_hex("82 7e 00 7e"));
  EXPECT_EQ(encoded(header(core::opcode::binary, 65535)), from_hex("82 7e ff ff"));
}

TEST(frame, sixty_four_bit_length_from_65536) {
  EXPECT_EQ(encoded(header(core::opcode::binary, 65536)), from_hex("82 7f 00 00 00 00 00 01 00 00"));
  EXPECT_EQ(encoded(header(core::opcode::binary, 0x0123456789ABCDEFull)),
            from_hex("82 7f 01 23 45 67 89 ab cd ef"));
  EXPECT_EQ(encoded(header(core::opcode::binary, 0x7FFFFFFFFFFFFFFFull)),
            from_hex("82 7f 7f ff ff ff ff ff ff ff"));
}

TEST(frame, masking_key_follows_the_extended_length) {
  const core::mask_key key{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
  EXPECT_EQ(encoded(header(core::opcode::binary, 0, true, key)), from_hex("82 80 01 02 03 04"));
  EXPECT_EQ(encoded(header(core::opcode::binary, 126, true, key)), from_hex("82 fe 00 7e 01 02 03 04"));
  EXPECT_EQ(encoded(header(core::opcode::binary, 65536, true, key)),
            from_hex("82 ff 00 00 00 00 00 01 00 00 01 02 03 04"));
}

TEST(frame, header_size_matches_encoding) {
  for (std::uint64_t size : {0ull, 1ull, 125ull, 126ull, 127ull, 65535ull, 65536ull, 1ull << 32,
                             0x7FFFFFFFFFFFFFFFull}) {
    for (bool masked : {false, true}) {
      const auto h = header(core::opcode::binary, size, true,
                            masked ? std::optional<core::mask_key>{rfc_key} : std::nullopt);
      EXPECT_EQ(core::encode_header(h).size, core::header_size(size, masked)) << size << " " << masked;
    }
  }
  static_assert(core::header_size(125, false) == 2);
  static_assert(core::header_size(126, false) == 4);
  static_assert(core::header_size(65535, true) == 8);
  static_assert(core::header_size(65536, false) == 10);
  static_assert(core::header_size(65536, true) == core::max_frame_header);
}

TEST(frame, encoding_agrees_with_hand_built_frames) {
  for (std::uint64_t size : {0ull, 5ull, 125ull, 126ull, 65535ull, 65536ull, 70000ull}) {
    raw_frame f;
    f.opcode = op::binary;
    f.payload = bytes(static_cast<std::size_t>(size));
    f.mask = rfc_key;
    const bytes whole = encode(f);
    const bytes hdr(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(whole.size() - size));
    EXPECT_EQ(encoded(header(core::opcode::binary, size, true, rfc_key)), hdr) << size;
  }
}

// ---- FIN, RSV and opcode bits

TEST(frame, fin_bit_is_the_top_bit) {
  EXPECT_EQ(encoded(header(core::opcode::text, 0, true))[0], std::byte{0x81});
  EXPECT_EQ(encoded(header(core::opcode::text, 0, false))[0], std::byte{0x01});
  EXPECT_EQ(encoded(header(core::opcode::continuation, 0, false))[0], std::byte{0x00});
}

TEST(frame, rsv_bits_keep_their_wire_positions) {
  EXPECT_EQ(encoded(header(core::opcode::text, 0, true, std::nullopt, core::rsv1_bit))[0], std::byte{0xC1});
  EXPECT_EQ(encoded(header(core::opcode::text, 0, true, std::nullopt, core::rsv2_bit))[0], std::byte{0xA1});
  EXPECT_EQ(encoded(header(core::opcode::text, 0, true, std::nullopt, core::rsv3_bit))[0], std::byte{0x91});
  EXPECT_EQ(encoded(header(core::opcode::binary, 0, false, std::nullopt, 0x70))[0], std::byte{0x72});
  static_assert(core::rsv1_bit == 0x40 && core::rsv2_bit == 0x20 && core::rsv3_bit == 0x10);
}

TEST(frame, rsv_field_cannot_spill_into_fin_or_opcode) {
  EXPECT_EQ(encoded(header(core::opcode::binary, 0, false, std::nullopt, 0xFF))[0], std::byte{0x72});
}

TEST(frame, opcode_values) {
  static_assert(static_cast<int>(core::opcode::continuation) == 0x0);
  static_assert(static_cast<int>(core::opcode::text) == 0x1);
  static_assert(static_cast<int>(core::opcode::binary) == 0x2);
  static_assert(static_cast<int>(core::opcode::close) == 0x8);
  static_assert(static_cast<int>(core::opcode::ping) == 0x9);
  static_assert(static_cast<int>(core::opcode::pong) == 0xA);
  EXPECT_EQ(encoded(header(core::opcode::close, 0))[0], std::byte{0x88});
  EXPECT_EQ(encoded(header(core::opcode::pong, 0))[0], std::byte{0x8A});
}

TEST(frame, control_opcodes_have_the_high_bit) {
  EXPECT_FALSE(core::is_control(core::opcode::continuation));
  EXPECT_FALSE(core::is_control(core::opcode::text));
  EXPECT_FALSE(core::is_control(core::opcode::binary));
  EXPECT_TRUE(core::is_control(core::opcode::close));
  EXPECT_TRUE(core::is_control(core::opcode::ping));
  EXPECT_TRUE(core::is_control(core::opcode::pong));
  for (unsigned v = 0xB; v <= 0xF; ++v) EXPECT_TRUE(core::is_control(static_cast<core::opcode>(v)));
}

TEST(frame, reserved_opcodes_are_unknown) {
  for (std::uint8_t v = 0; v < 16; ++v) {
    const bool known = v == 0 || v == 1 || v == 2 || v == 8 || v == 9 || v == 10;
    EXPECT_EQ(core::is_known_opcode(v), known) << int{v};
  }
}

TEST(frame, limits) {
  static_assert(core::max_control_payload == 125);
  static_assert(core::max_close_reason == 123);
  static_assert(core::max_frame_header == 14);
}

}  // namespace
}  // namespace websock::test
