#!/usr/bin/python3
"""Each malformed client frame fails the connection with the close code RFC 6455 5 and 7.4.1
name; an announced length of 2^63-1 allocates nothing and closes with 1009 (docs/audit.md,
"Malformed frames")."""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from auditlib import (CheckFailed, await_close, deadline, echo_works, frame,  # noqa: E402
                      main_with_server, note, require, ws_open)


def closes_with(srv, data, code, what):
    """Sends data on a fresh /echo connection; the server must answer with a close frame carrying
    code (frames before it, such as echoes of valid parts, are skipped) and then end TCP."""
    s, r = ws_open(srv.port)
    try:
        s.sendall(data)
        got = await_close(r, deadline(10))
        require(got is not None, "%s: TCP closed without a close frame" % what)
        require(got == code, "%s: closed with %d, not %d" % (what, got, code))
        try:
            s.sendall(frame(8, struct.pack("!H", code)))  # our answer, if the server waits for one
        except OSError:
            pass
        r.rest(deadline(10))  # the server ends TCP (RFC 6455 7.1.1) within the deadline
    finally:
        s.close()


def closes_all(srv, cases):
    problems = []
    for data, code, what in cases:
        try:
            closes_with(srv, data, code, what)
        except CheckFailed as e:
            problems.append(str(e))
    require(not problems, "; ".join(problems))


def unmasked_client_frame_is_1002(srv):
    closes_all(srv, [(frame(1, b"hello", mask=False), 1002, "unmasked text"),
                     (frame(9, b"", mask=False), 1002, "unmasked ping")])


def rsv_bits_are_1002(srv):
    closes_all(srv, [(frame(1, b"x", rsv=bits), 1002, "RSV %d" % bits) for bits in (1, 2, 4, 7)] +
               [(frame(1, b"a", fin=False) + frame(0, b"b", rsv=4), 1002, "RSV1 on a continuation")])


def reserved_opcodes_are_1002(srv):
    closes_all(srv, [(frame(op, b"x"), 1002, "opcode %d" % op) for op in (3, 4, 5, 6, 7, 11, 12, 13, 14, 15)])


def fragmented_control_frame_is_1002(srv):
    closes_all(srv, [(frame(9, b"p", fin=False), 1002, "ping without FIN"),
                     (frame(10, b"p", fin=False), 1002, "pong without FIN"),
                     (frame(8, struct.pack("!H", 1000), fin=False), 1002, "close without FIN")])


def control_payload_over_125_is_1002(srv):
    closes_all(srv, [(frame(9, b"p" * 126), 1002, "126-byte ping"),
                     (frame(10, b"p" * 200), 1002, "200-byte pong"),
                     (frame(8, struct.pack("!H", 1000) + b"r" * 124), 1002, "126-byte close")])


def non_minimal_length_is_1002(srv):
    # RFC 6455 5.2: "the minimal number of bytes MUST be used to encode the length".
    head16 = bytes([0x81, 0x80 | 126]) + struct.pack("!H", 5)
    head64 = bytes([0x81, 0x80 | 127]) + struct.pack("!Q", 5)
    head64_mid = bytes([0x82, 0x80 | 127]) + struct.pack("!Q", 1000)
    mask = b"\0\0\0\0"
    closes_all(srv, [(head16 + mask + b"hello", 1002, "5 in the 16-bit form"),
                     (head64 + mask + b"hello", 1002, "5 in the 64-bit form"),
                     (head64_mid + mask + b"x" * 1000, 1002, "1000 in the 64-bit form")])


def length_with_the_top_bit_set_is_1002(srv):
    closes_all(srv, [(bytes([0x82, 0xFF]) + struct.pack("!Q", 1 << 63) + b"\0\0\0\0", 1002, "length 2^63")])


def continuation_rules_are_1002(srv):
    closes_all(srv, [(frame(0, b"x"), 1002, "continuation outside a message"),
                     (frame(1, b"a", fin=False) + frame(1, b"b"), 1002, "text inside a message"),
                     (frame(2, b"a", fin=False) + frame(2, b"b"), 1002, "binary inside a message")])


def invalid_utf8_text_is_1007(srv):
    closes_all(srv, [(frame(1, b"\xff"), 1007, "0xFF"),
                     (frame(1, b"\xc0\xaf"), 1007, "overlong /"),
                     (frame(1, b"\xed\xa0\x80"), 1007, "surrogate"),
                     (frame(1, b"\xf4\x90\x80\x80"), 1007, "above U+10FFFF"),
                     (frame(1, b"ok \xce", fin=False) + frame(0, b"\xbb ok \xe2\x82", fin=False) + frame(0, b"\x28"),
                      1007, "split sequence broken in the last fragment"),
                     (frame(1, b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5") + frame(1, b"x\x80"), 1007,
                      "valid text, then a lone continuation byte")])


def bad_close_payload_is_1002_or_1007(srv):
    cases = [(frame(8, b"\x03"), 1002, "1-byte close")]
    cases += [(frame(8, struct.pack("!H", c)), 1002, "close code %d" % c)
              for c in (0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535)]
    cases += [(frame(8, struct.pack("!H", 1000) + b"\xff\xfe"), 1007, "close reason not UTF-8")]
    closes_all(srv, cases)


def valid_close_is_answered_with_its_code(srv):
    closes_all(srv, [(frame(8, struct.pack("!H", 1000)), 1000, "close 1000"),
                     (frame(8, struct.pack("!H", 3000) + b"bye"), 3000, "close 3000")])


def huge_announced_length_allocates_nothing_and_is_1009(srv):
    mark = srv.memory_mark()
    cases = [(bytes([0x82, 0xFF]) + struct.pack("!Q", (1 << 63) - 1) + b"\1\2\3\4" + b"x" * 1000, 1009,
              "binary of 2^63-1"),
             (bytes([0x81, 0xFF]) + struct.pack("!Q", (1 << 63) - 1) + b"\1\2\3\4", 1009, "text of 2^63-1"),
             (frame(2, b"a", fin=False) + bytes([0x00, 0xFF]) + struct.pack("!Q", (1 << 62)) + b"\1\2\3\4",
              1009, "continuation of 2^62")]
    for _ in range(10):
        closes_all(srv, cases)
    growth = srv.growth_mb(mark)
    note("30 frames announcing 2^62 or 2^63-1 bytes: server grew %.1f MB" % growth)
    require(growth < 8, "server RSS grew by %.1f MB" % growth)
    echo_works(srv.port)


CHECKS = [
    ("unmasked_client_frame_is_1002", unmasked_client_frame_is_1002, "B"),
    ("rsv_bits_are_1002", rsv_bits_are_1002, "B"),
    ("reserved_opcodes_are_1002", reserved_opcodes_are_1002, "B"),
    ("fragmented_control_frame_is_1002", fragmented_control_frame_is_1002, "B"),
    ("control_payload_over_125_is_1002", control_payload_over_125_is_1002, "B"),
    ("non_minimal_length_is_1002", non_minimal_length_is_1002, "B"),
    ("length_with_the_top_bit_set_is_1002", length_with_the_top_bit_set_is_1002, "B"),
    ("continuation_rules_are_1002", continuation_rules_are_1002, "B"),
    ("invalid_utf8_text_is_1007", invalid_utf8_text_is_1007, "B"),
    ("bad_close_payload_is_1002_or_1007", bad_close_payload_is_1002_or_1007, "B"),
    ("valid_close_is_answered_with_its_code", valid_close_is_answered_with_its_code, "B"),
    ("huge_announced_length_allocates_nothing_and_is_1009", huge_announced_length_allocates_nothing_and_is_1009, "B"),
]

if __name__ == "__main__":
    sys.exit(main_with_server("frames", CHECKS))
