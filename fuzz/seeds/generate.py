#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/seeds/<target>/ (run from anywhere; output is deterministic).

Frame-parser inputs are [flags][limits] then records: a byte L < 0xF0 and L bytes for receive(),
or 0xF0 | command followed by a length-prefixed argument (see fuzz_frame_parser.cpp). The HTTP
targets take [options] then length-prefixed chunks.
"""
import base64
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
KEY = base64.b64encode(bytes(range(1, 17)))  # the client fuzzer's fixed key
ACCEPT = base64.b64encode(hashlib.sha1(KEY + GUID).digest())


def frame(op, payload=b"", fin=True, rsv=0, mask=None):
    out = bytearray([(0x80 if fin else 0) | rsv | op])
    m = 0x80 if mask is not None else 0
    n = len(payload)
    if n < 126:
        out.append(m | n)
    elif n <= 0xFFFF:
        out.append(m | 126)
        out += struct.pack(">H", n)
    else:
        out.append(m | 127)
        out += struct.pack(">Q", n)
    if mask is not None:
        out += mask
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes(out + payload)


def chunks(data, sizes=(239,)):
    """Length-prefixed records, cycling through `sizes`."""
    out = bytearray()
    i = k = 0
    while i < len(data):
        n = min(sizes[k % len(sizes)], len(data) - i, 239)
        out.append(n)
        out += data[i:i + n]
        i += n
        k += 1
    return bytes(out)


def command(cmd, arg=b""):
    assert len(arg) < 0xF0
    return bytes([0xF0 | cmd, len(arg)]) + arg


def write(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# Flags byte: bit0 client, bit1 streaming, bit2 no auto-pong, bit3 no auto-close, bit4 no UTF-8
# check, bit5 accept wrong masking, bit6 zero mask key, bit7 allow RSV1. Limits byte: low nibble
# max_message_size choice, high nibble max_frame_size choice (0 = default).
SERVER, CLIENT, STREAM = 0x00, 0x01, 0x02
K = b"\x37\xfa\x21\x3d"
GREEK = "κόσμε, Привет мир, 你好世界 🙂!".encode()


def frames_seed(name, flags, limits, data, sizes=(239,), tail=b""):
    write("fuzz_frame_parser", name, bytes([flags, limits]) + chunks(data, sizes) + tail)


for role, mask, tag in ((SERVER, K, "server"), (CLIENT, None, "client")):
    for mode, mtag in ((0, "assembled"), (STREAM, "streaming")):
        f = role | mode
        p = f"{tag}_{mtag}_"
        frames_seed(p + "text", f, 0, frame(0x1, b"Hello", mask=mask))
        frames_seed(p + "fragments", f, 0,
                    frame(0x1, b"Hel", fin=False, mask=mask) + frame(0x9, b"ping", mask=mask) +
                    frame(0x0, b"lo", mask=mask), sizes=(1, 3, 5))
        frames_seed(p + "binary_126", f, 0, frame(0x2, bytes(range(256)) * 2, mask=mask), sizes=(100, 7))
        frames_seed(p + "utf8", f, 0, frame(0x1, GREEK[:11], fin=False, mask=mask) +
                    frame(0x0, GREEK[11:], mask=mask), sizes=(2, 9))
        frames_seed(p + "bad_utf8", f, 0, frame(0x1, b"ab\xed\xa0\x80", mask=mask))
        frames_seed(p + "ping_pong_close", f, 0,
                    frame(0x9, b"hi", mask=mask) + frame(0xA, b"", mask=mask) +
                    frame(0x8, struct.pack(">H", 1000) + b"bye", mask=mask) +
                    frame(0x1, b"ignored", mask=mask))
        frames_seed(p + "empty_close", f, 0, frame(0x8, b"", mask=mask))
        frames_seed(p + "len64_limit", f, 0x5B, frame(0x2, b"", mask=mask)[:1] +
                    bytes([(0x80 if mask else 0) | 127]) + struct.pack(">Q", 70000) + (mask or b"") + b"xyz")
        frames_seed(p + "rsv1", f | 0x80, 0, frame(0x1, b"compressed", rsv=0x40, mask=mask))
        frames_seed(p + "sends", f, 0, frame(0x1, b"in", mask=mask),
                    tail=command(0, b"text out") + command(2, b"frag") + command(5, b"p") +
                    command(4, b"end") + command(8, b"\x03") + command(10, b"\x03zero-copy") +
                    command(7, struct.pack(">H", 1001) + b"going") + chunks(frame(0x8, b"", mask=mask)) +
                    command(9))

# A large send drained slowly: the outbox's keep-the-unsent-tail path.
for role, tag in ((SERVER, "server"), (CLIENT, "client")):
    write("fuzz_frame_parser", f"{tag}_slow_writer", bytes([role, 0]) + command(12, b"\x7f") +
          command(8, b"\x04\x10") + command(0, b"after") + command(8, b"\x01\x00") +
          command(13, b"\x00abc") + command(14) + command(0, b"x") + command(15))

frames_seed("server_unmasked", SERVER, 0, frame(0x1, b"Hello"))
frames_seed("client_masked", CLIENT, 0, frame(0x1, b"Hello", mask=K))
frames_seed("server_reserved_opcode", SERVER, 0, frame(0x3, b"", mask=K))
frames_seed("server_long_ping", SERVER, 0, frame(0x9, b"x" * 126, mask=K))
frames_seed("server_small_limits", SERVER | STREAM, 0x44, frame(0x2, b"0123456789abc", fin=False, mask=K) +
            frame(0x0, b"def", mask=K))

# ---------------------------------------------------------------- HTTP
REQUEST = (b"GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\n"
           b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           b"Origin: http://example.com\r\nSec-WebSocket-Protocol: chat, superchat\r\n"
           b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
           b"Sec-WebSocket-Version: 13\r\n\r\n")
MINIMAL_REQUEST = (b"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n"
                   b"Sec-WebSocket-Key: " + KEY + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
RESPONSE = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Accept: " + ACCEPT + b"\r\n\r\n")
RESPONSE_NEGOTIATED = (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       b"Sec-WebSocket-Accept: " + ACCEPT + b"\r\nSec-WebSocket-Protocol: chat\r\n"
                       b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=15\r\n\r\n")
REFUSAL = (b"HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n")

write("fuzz_server_handshake", "rfc_request", b"\x00" + chunks(REQUEST))
write("fuzz_server_handshake", "rfc_request_hooks", b"\xd0" + chunks(REQUEST, (5, 1, 17)))
write("fuzz_server_handshake", "minimal_request_frames", b"\x00" + chunks(MINIMAL_REQUEST + frame(0x1, b"Hi", mask=K)))
write("fuzz_server_handshake", "deny", b"\x80" + chunks(REQUEST.replace(b"/chat", b"/deny")))
write("fuzz_server_handshake", "bad_version", b"\x00" + chunks(REQUEST.replace(b"Version: 13", b"Version: 8")))
write("fuzz_server_handshake", "small_limit", b"\x01" + chunks(REQUEST, (3,)))

write("fuzz_client_handshake", "accept", b"\x00" + chunks(RESPONSE))
write("fuzz_client_handshake", "accept_frames", b"\x00" + chunks(RESPONSE + frame(0x1, b"Hi")))
write("fuzz_client_handshake", "negotiated", b"\x60" + chunks(RESPONSE_NEGOTIATED, (1, 2, 30)))
write("fuzz_client_handshake", "unoffered", b"\x00" + chunks(RESPONSE_NEGOTIATED))
write("fuzz_client_handshake", "refusal", b"\x00" + chunks(REFUSAL))

write("fuzz_http_parser", "request", b"\x00" + chunks(REQUEST))
write("fuzz_http_parser", "request_split", b"\x00" + chunks(MINIMAL_REQUEST, (1, 2, 3)))
write("fuzz_http_parser", "response", b"\x01" + chunks(RESPONSE_NEGOTIATED))
write("fuzz_http_parser", "refusal", b"\x01" + chunks(REFUSAL + b"trailing"))
write("fuzz_http_parser", "request_small_limits", b"\x3a" + chunks(REQUEST, (7,)))

# fuzz_request_parser: [limits] then chunks. Limits byte: bits 0-1 request line, 2-3 head and
# trailers, 4-5 header count, 6-7 body (0 = defaults).
H = b"Host: h\r\n"
PIPELINE = (b"GET / HTTP/1.1\r\n" + H + b"\r\n"
            b"HEAD /h HTTP/1.1\r\n" + H + b"\r\n"
            b"POST /p HTTP/1.1\r\n" + H + b"Content-Length: 3\r\n\r\nabc"
            b"PUT /c HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n"
            b"5;ext=\"v\"\r\nhello\r\n0\r\nTrailer: x\r\n\r\n"
            b"GET /last HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
write("fuzz_request_parser", "pipeline", b"\x00" + chunks(PIPELINE))
write("fuzz_request_parser", "pipeline_split", b"\x00" + chunks(PIPELINE, (1, 2, 3, 5, 8)))
write("fuzz_request_parser", "small_limits", b"\x6b" + chunks(PIPELINE, (7,)))
write("fuzz_request_parser", "upgrade", b"\x00" + chunks(MINIMAL_REQUEST + frame(0x1, b"Hi", mask=K)))
write("fuzz_request_parser", "expect", b"\x00" + chunks(
    b"PUT /u HTTP/1.1\r\n" + H + b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\nok"))
write("fuzz_request_parser", "tls_hello", b"\x00" + chunks(b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"))
write("fuzz_request_parser", "escapes", b"\x00" + chunks(
    b"GET /%2e%2e/%2Fetc%2fpasswd HTTP/1.1\r\n" + H + b"\r\n"
    b"GET //etc/passwd HTTP/1.1\r\n" + H + b"\r\n"
    b"GET /a/../%c0%ae%c0%ae/b%5cc%00 HTTP/1.1\r\n" + H + b"\r\n"))

# fuzz_response_body: [flags][room][length lo][length hi] then chunks. Flags bits 0-1 framing
# (0 length, 1 chunked, 2 until close, 3 a head decides), 2-3 limits, 4-5 method of the head
# (GET HEAD CONNECT POST), 6 round trip through append_chunk, 7 the server closes at the end.
CHUNKED = (b"5;name=value;quoted=\"a b\"\r\nhello\r\n6 ; x\r\n world\r\n"
           b"A\r\n, 10 bytes\r\n0\r\nChecksum: abc\r\nX-Trailer: 1\r\n\r\n")
NEXT = b"HTTP/1.1 204 No Content\r\n\r\n"
write("fuzz_response_body", "length", b"\x00\x05\x0b\x00" + chunks(b"hello world" + NEXT))
write("fuzz_response_body", "chunked", b"\x01\x00\x00\x00" + chunks(CHUNKED + NEXT))
write("fuzz_response_body", "chunked_split", b"\x81\x03\x00\x00" + chunks(CHUNKED + NEXT, (1, 2, 3, 5)))
write("fuzz_response_body", "chunked_small_limits", b"\x09\x00\x00\x00" + chunks(CHUNKED, (7,)))
write("fuzz_response_body", "until_close", b"\x82\x00\x00\x00" + chunks(b"<h1>oops</h1>" + NEXT, (4,)))
write("fuzz_response_body", "head_chunked", b"\x03\x00\x00\x00" + chunks(
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" + CHUNKED + NEXT, (9,)))
write("fuzz_response_body", "head_length", b"\x83\x02\x00\x00" + chunks(
    b"HTTP/1.1 404 Not Found\r\nContent-Length: 5, 5\r\n\r\nabcde" + NEXT, (6, 1)))
write("fuzz_response_body", "head_of_head", b"\x13\x00\x00\x00" + chunks(
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n" + NEXT))
write("fuzz_response_body", "round_trip", b"\x41\x07\x05\x00" + chunks(b"some payload " * 5, (1, 17, 3)))

# fuzz_utf8: the input is both the text and length-prefixed chunks (L < 0xC0: L bytes, else
# (L - 0xC0) * 32 + 0xC0 bytes).
def utf8_chunks(data, sizes):
    out = bytearray()
    i = k = 0
    while i < len(data):
        n = min(sizes[k % len(sizes)], len(data) - i)
        if n >= 0xC0:
            n = min((n - 0xC0) // 32, 63) * 32 + 0xC0
            out.append(0xC0 + (n - 0xC0) // 32)
        else:
            out.append(n)
        out += data[i:i + n]
        i += n
        k += 1
    return bytes(out)


MULTILINGUAL = ("Grüße κόσμε Привет 日本語 😀🌍 €¢\U0010FFFF\uE000\uD7FF\u0800\U00010000 "
                "The quick brown fox. ").encode() * 6
write("fuzz_utf8", "multilingual", MULTILINGUAL)
write("fuzz_utf8", "multilingual_chunks", utf8_chunks(MULTILINGUAL, (1, 37, 2, 300, 0, 64)))
write("fuzz_utf8", "edges", b"a" * 29 + bytes.fromhex("e0a080 ed9fbf f0908080 f48fbfbf c280 dfbf efbfbf")
      + b"b" * 30 + bytes.fromhex("eda080 f4908080 c0af e09fbf f08fbfbf f5 80 c2") + b"tail" + bytes.fromhex("f09f98"))
