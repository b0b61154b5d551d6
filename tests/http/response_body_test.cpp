// Reading a response body as a client (src/http/response_body.hpp): the framing decision of
// RFC 9112 6.3 (tests named by its items) and the decoder for Content-Length, chunked (7.1) and
// close-delimited bodies, in every split of the input and with output buffers of every size.
#include "http/response_body.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "websock/core/http.hpp"

namespace websock::test {
namespace {

using core::errc;
using http::body_decoder;
using http::body_decoder_limits;
using http::response_framing;

std::span<const std::byte> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

// The head as the client's parser reads it.
core::http_head head_of(const std::string& text) {
  core::http_parser p(core::http_kind::response);
  p.feed(text);
  EXPECT_TRUE(p.done() && p.error() == errc::ok) << text;
  return p.head();
}

http::response_body_framing framing_of(const std::string& head, std::string_view method = "GET") {
  return http::decide_response_framing(method, head_of(head));
}

// What a driver saw: the payload, the bytes it left for the next response, and the outcome.
struct outcome {
  std::string payload;
  std::string after;
  bool done = false;
  errc error = errc::ok;
  std::size_t mismatched_hints = 0;  // available() that differed from what decode() then produced

  bool operator==(const outcome& o) const {
    return payload == o.payload && after == o.after && done == o.done && error == o.error &&
           mismatched_hints == o.mismatched_hints;
  }
};

std::ostream& operator<<(std::ostream& os, const outcome& o) {
  return os << "payload \"" << o.payload << "\" after \"" << o.after << "\" done " << o.done
            << " error " << static_cast<int>(o.error) << " bad hints " << o.mismatched_hints;
}

struct drive {
  response_framing framing;
  std::uint64_t length = 0;
  std::size_t piece = 0;      // bytes per read (0: all at once)
  std::size_t room = 64;      // size of the output buffer
  bool close_at_end = false;  // the server closes after the input
  body_decoder_limits limits = {};
};

// Feeds `input` in reads of `d.piece` bytes; after each read decodes until nothing moves, as a
// WinHttpReadData loop does, and checks that available() foretold what came out.
outcome run_body(const drive& d, std::string_view input) {
  body_decoder dec(d.framing, d.length, d.limits);
  outcome o;
  std::string pending;
  std::vector<std::byte> out(d.room);
  const std::size_t piece = d.piece == 0 ? std::max<std::size_t>(input.size(), 1) : d.piece;
  std::size_t at = 0;
  do {
    pending.append(input.substr(at, piece));
    at += piece;
    const std::size_t hint = dec.available(bytes_of(pending));
    std::size_t produced = 0;
    for (;;) {
      const auto r = dec.decode(bytes_of(pending), out);
      EXPECT_LE(r.consumed, pending.size());
      EXPECT_LE(r.produced, out.size());
      o.payload.append(reinterpret_cast<const char*>(out.data()), r.produced);
      produced += r.produced;
      pending.erase(0, r.consumed);
      if (r.consumed == 0 && r.produced == 0) break;
    }
    if (hint != produced) ++o.mismatched_hints;
  } while (at < input.size());
  if (d.close_at_end) {
    const errc at_close = dec.end_of_input();
    EXPECT_EQ(at_close, dec.error());
  }
  EXPECT_EQ(dec.body_bytes(), o.payload.size());
  o.after = pending;
  o.done = dec.done();
  o.error = dec.error();
  return o;
}

// Every read size, every output size from 1 to `max_room`, and every single cut into two reads
// give `expected`.
void expect_at_every_split(drive d, std::string_view input, const outcome& expected,
                           std::size_t max_room = 8) {
  for (std::size_t piece = 1; piece <= input.size(); ++piece) {
    for (std::size_t room = 1; room <= max_room; ++room) {
      d.piece = piece;
      d.room = room;
      ASSERT_EQ(run_body(d, input), expected) << "piece " << piece << " room " << room;
    }
  }
  d.room = 64;
  for (std::size_t cut = 1; cut < input.size(); ++cut) {
    body_decoder dec(d.framing, d.length, d.limits);
    outcome o;
    std::string pending(input.substr(0, cut));
    std::vector<std::byte> out(d.room);
    for (int round = 0; round < 2; ++round) {
      for (;;) {
        const auto r = dec.decode(bytes_of(pending), out);
        o.payload.append(reinterpret_cast<const char*>(out.data()), r.produced);
        pending.erase(0, r.consumed);
        if (r.consumed == 0 && r.produced == 0) break;
      }
      if (round == 0) pending += input.substr(cut);
    }
    if (d.close_at_end) dec.end_of_input();
    o.after = pending;
    o.done = dec.done();
    o.error = dec.error();
    ASSERT_EQ(o, expected) << "cut at " << cut;
  }
}

const std::string next_response = "HTTP/1.1 204 No Content\r\n\r\n";

// --- RFC 9112 6.3: message body length ----------------------------------------------------------

TEST(HttpResponseBody, RFC9112_6_3_1_HeadAnd1xx204304HaveNoBody) {
  EXPECT_EQ(framing_of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD").framing,
            response_framing::none);
  EXPECT_EQ(framing_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "HEAD").framing,
            response_framing::none);
  for (const std::string status : {"100 Continue", "103 Early Hints", "199 X", "204 No Content",
                                   "304 Not Modified"}) {
    for (const std::string fields : {"", "Content-Length: 10\r\n", "Transfer-Encoding: chunked\r\n",
                                     "Content-Length: nonsense\r\n"}) {
      const auto f = framing_of("HTTP/1.1 " + status + "\r\n" + fields + "\r\n");
      EXPECT_EQ(f.framing, response_framing::none) << status << " " << fields;
      EXPECT_EQ(f.error, errc::ok) << status << " " << fields;
    }
  }
  // A body that is none is done before any byte, and takes none.
  body_decoder none(response_framing::none, 0);
  EXPECT_TRUE(none.done());
  std::byte out[4];
  const auto r = none.decode(bytes_of(next_response), out);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_EQ(r.produced, 0u);
  EXPECT_EQ(none.available(bytes_of(next_response)), 0u);
  EXPECT_EQ(none.end_of_input(), errc::ok);
}

TEST(HttpResponseBody, RFC9112_6_3_1_MethodNamesAreCaseSensitive) {
  // RFC 9110 9.1: "head" is not HEAD.
  EXPECT_EQ(framing_of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n", "head").framing,
            response_framing::length);
}

TEST(HttpResponseBody, RFC9112_6_3_2_SuccessfulConnectBecomesATunnel) {
  EXPECT_EQ(framing_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "CONNECT").framing,
            response_framing::none);
  // A refused CONNECT has an ordinary body.
  const auto refused = framing_of("HTTP/1.1 407 Proxy Authentication Required\r\n"
                                  "Content-Length: 5\r\n\r\n", "CONNECT");
  EXPECT_EQ(refused.framing, response_framing::length);
  EXPECT_EQ(refused.length, 5u);
}

TEST(HttpResponseBody, RFC9112_6_3_3_TransferEncodingOverridesContentLength) {
  const auto chunked = framing_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                  "Transfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(chunked.framing, response_framing::chunked);
  EXPECT_EQ(chunked.error, errc::ok);
  // Even an invalid Content-Length does not count beside Transfer-Encoding.
  const auto closed = framing_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n"
                                 "Content-Length: -1\r\n\r\n");
  EXPECT_EQ(closed.framing, response_framing::until_close);
  EXPECT_EQ(closed.error, errc::ok);
}

TEST(HttpResponseBody, RFC9112_6_3_4_ChunkedLastIsChunkedOtherwiseUntilClose) {
  for (const std::string fields : {"Transfer-Encoding: chunked\r\n", "Transfer-Encoding: Chunked\r\n",
                                   "Transfer-Encoding: gzip, chunked\r\n",
                                   "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
                                   "Transfer-Encoding: chunked ,\r\n"}) {
    EXPECT_EQ(framing_of("HTTP/1.1 200 OK\r\n" + fields + "\r\n").framing, response_framing::chunked)
        << fields;
  }
  for (const std::string fields : {"Transfer-Encoding: gzip\r\n", "Transfer-Encoding: chunked, gzip\r\n",
                                   "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n",
                                   "Transfer-Encoding: identity\r\n", "Transfer-Encoding: \r\n",
                                   "Transfer-Encoding: chunkedx\r\n"}) {
    const auto f = framing_of("HTTP/1.1 200 OK\r\n" + fields + "\r\n");
    EXPECT_EQ(f.framing, response_framing::until_close) << fields;
    EXPECT_EQ(f.error, errc::ok) << fields;
  }
}

TEST(HttpResponseBody, RFC9112_6_3_5_InvalidContentLengthIsAnError) {
  for (const std::string v : {"abc", "-1", "+5", "", "5 5", "0x5", "1.0", "5, 6", ",",
                              "18446744073709551616", "99999999999999999999999"}) {
    const auto f = framing_of("HTTP/1.1 200 OK\r\nContent-Length: " + v + "\r\n\r\n");
    EXPECT_EQ(f.error, errc::http_malformed) << v;
  }
  EXPECT_EQ(framing_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n").error,
            errc::http_malformed);
  EXPECT_EQ(framing_of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: x\r\n\r\n").error,
            errc::http_malformed);
}

TEST(HttpResponseBody, RFC9112_6_3_5_RepeatsOfOneLengthAreThatLength) {
  for (const std::string fields : {"Content-Length: 5, 5\r\n", "Content-Length: 5,5,\r\n",
                                   "Content-Length: 5\r\ncontent-length: 5\r\n",
                                   "Content-Length: 005\r\nContent-Length: 5\r\n"}) {
    const auto f = framing_of("HTTP/1.1 200 OK\r\n" + fields + "\r\n");
    EXPECT_EQ(f.error, errc::ok) << fields;
    EXPECT_EQ(f.framing, response_framing::length) << fields;
    EXPECT_EQ(f.length, 5u) << fields;
  }
  const auto largest = framing_of("HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n");
  EXPECT_EQ(largest.error, errc::ok);
  EXPECT_EQ(largest.length, 18446744073709551615u);
}

TEST(HttpResponseBody, RFC9112_6_3_6_ContentLengthBodyAtEveryBoundary) {
  const auto f = framing_of("HTTP/1.1 404 Not Found\r\nContent-Length: 11\r\n\r\n");
  ASSERT_EQ(f.framing, response_framing::length);
  ASSERT_EQ(f.length, 11u);
  const drive d{f.framing, f.length};
  // The bytes after the body belong to the next response on the connection.
  expect_at_every_split(d, "hello world" + next_response,
                        {"hello world", next_response, true, errc::ok, 0});
}

TEST(HttpResponseBody, RFC9112_6_3_6_ZeroLengthIsDoneAtOnce) {
  const auto f = framing_of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(f.framing, response_framing::length);
  body_decoder dec(f.framing, f.length);
  EXPECT_TRUE(dec.done());
  EXPECT_EQ(run_body({f.framing, f.length}, next_response),
            (outcome{"", next_response, true, errc::ok, 0}));
}

TEST(HttpResponseBody, RFC9112_6_3_6_ClosedBeforeContentLengthIsTruncated) {
  drive d{response_framing::length, 20};
  d.close_at_end = true;
  expect_at_every_split(d, "only ten b", {"only ten b", "", false, errc::http_truncated_body, 0});
  // Once failed, the decoder takes nothing more.
  body_decoder dec(response_framing::length, 20);
  EXPECT_EQ(dec.end_of_input(), errc::http_truncated_body);
  std::byte out[8];
  EXPECT_EQ(dec.decode(bytes_of("more"), out).consumed, 0u);
  EXPECT_EQ(dec.available(bytes_of("more")), 0u);
}

TEST(HttpResponseBody, RFC9112_6_3_8_NoLengthReadsUntilTheServerCloses) {
  const auto f = framing_of("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\n\r\n");
  ASSERT_EQ(f.framing, response_framing::until_close);
  drive d{f.framing};
  // Everything is body, even what looks like a response; done only at the close.
  const std::string page = "<h1>oops</h1>" + next_response;
  expect_at_every_split(d, page, {page, "", false, errc::ok, 0});
  d.close_at_end = true;
  expect_at_every_split(d, page, {page, "", true, errc::ok, 0});
}

// --- RFC 9112 7.1: chunked transfer coding ------------------------------------------------------

const std::string chunked_body =
    "5;name=value;quoted=\"a b\"\r\nhello\r\n"
    "6 ; x\r\n world\r\n"
    "A\r\n, 10 bytes\r\n"
    "00000\r\n"
    "Checksum: abc\r\nX-Trailer: 1\r\n"
    "\r\n";

TEST(HttpResponseBody, RFC9112_7_1_ChunkedWithExtensionsAtEveryBoundary) {
  const auto f = framing_of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_EQ(f.framing, response_framing::chunked);
  expect_at_every_split({f.framing}, chunked_body + next_response,
                        {"hello world, 10 bytes", next_response, true, errc::ok, 0});
}

TEST(HttpResponseBody, RFC9112_7_1_2_TrailersAreKeptApartFromThePayload) {
  body_decoder dec(response_framing::chunked, 0);
  std::byte out[64];
  const auto r = dec.decode(bytes_of(chunked_body), out);
  EXPECT_EQ(r.consumed, chunked_body.size());
  EXPECT_EQ(r.produced, 21u);
  ASSERT_TRUE(dec.done());
  ASSERT_EQ(dec.trailers().size(), 2u);
  EXPECT_EQ(dec.trailers()[0].name, "Checksum");
  EXPECT_EQ(dec.trailers()[0].value, "abc");
  EXPECT_EQ(dec.trailers()[1].name, "X-Trailer");
  EXPECT_EQ(dec.end_of_input(), errc::ok);  // a close after the end is no truncation
}

TEST(HttpResponseBody, RFC9112_7_1_2_MalformedOrOversizedTrailersAreErrors) {
  const auto error_of = [](const std::string& body, body_decoder_limits l = {}) {
    return run_body({response_framing::chunked, 0, 0, 64, false, l}, body).error;
  };
  EXPECT_EQ(error_of("0\r\nBad Trailer: x\r\n\r\n"), errc::http_bad_chunk);
  EXPECT_EQ(error_of("0\r\n folded\r\n\r\n"), errc::http_bad_chunk);
  EXPECT_EQ(error_of("0\r\nX: a\nY: b\r\n\r\n"), errc::http_bad_chunk);  // bare LF
  body_decoder_limits small;
  small.max_trailer_bytes = 16;
  EXPECT_EQ(error_of("0\r\nX: " + std::string(100, 'x') + "\r\n\r\n", small),
            errc::http_chunk_line_too_long);
  small.max_trailer_count = 1;
  EXPECT_EQ(error_of("0\r\nA: 1\r\nB: 2\r\n\r\n", small), errc::http_too_many_headers);
}

TEST(HttpResponseBody, RFC9112_7_1_OutputSmallerThanAChunk) {
  const std::string body = "1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n";
  body_decoder dec(response_framing::chunked, 0);
  std::byte out[4];
  auto r = dec.decode(bytes_of(body), out);
  EXPECT_EQ(r.produced, 4u);
  EXPECT_EQ(r.consumed, 4u + 4u);  // the size line and four data bytes
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(out), 4), "abcd");
  EXPECT_EQ(dec.available(bytes_of(std::string_view(body).substr(r.consumed))), 22u);
  // And in every split with every small buffer.
  expect_at_every_split({response_framing::chunked}, body,
                        {"abcdefghijklmnopqrstuvwxyz", "", true, errc::ok, 0}, 5);
}

TEST(HttpResponseBody, RFC9112_7_1_LastPayloadByteReportsDoneWhenTheEndFollows) {
  // A buffer just big enough for the payload: the last chunk and trailers are taken in the same
  // call, so the caller learns the end without another read.
  const std::string body = "3\r\nabc\r\n0\r\nT: 1\r\n\r\n";
  body_decoder dec(response_framing::chunked, 0);
  std::byte out[3];
  const auto r = dec.decode(bytes_of(body + next_response), out);
  EXPECT_EQ(r.produced, 3u);
  EXPECT_EQ(r.consumed, body.size());
  EXPECT_TRUE(dec.done());
}

TEST(HttpResponseBody, RFC9112_7_1_MalformedChunkSizesAreErrors) {
  for (const std::string body : {"zz\r\n", "\r\n", ";x\r\n", "5x\r\n", "-5\r\n", "0x5\r\n",
                                 "5;\x01\r\n", "5\n", "5\rx", "5\r\nabcdefg\r\n", "5\r\nabcde\n",
                                 "5\r\nabcde\rx",
                                 // hex overflow: 2^64 and beyond
                                 "10000000000000000\r\n", "fffffffffffffffff\r\n",
                                 "100000000000000000000000000000000\r\n"}) {
    const auto o = run_body({response_framing::chunked}, body);
    EXPECT_EQ(o.error, errc::http_bad_chunk) << body;
    EXPECT_FALSE(o.done) << body;
  }
  // The payload before the fault is delivered; nothing after it is taken.
  const auto o = run_body({response_framing::chunked}, "3\r\nabc\r\n2\r\nxyz\r\n0\r\n\r\n");
  EXPECT_EQ(o.payload, "abcxy");
  EXPECT_EQ(o.error, errc::http_bad_chunk);
  // The largest size that fits is a size, not an error: its data is awaited.
  const auto largest = run_body({response_framing::chunked}, "ffffffffffffffff\r\nab");
  EXPECT_EQ(largest.error, errc::ok);
  EXPECT_EQ(largest.payload, "ab");
  EXPECT_FALSE(largest.done);
}

TEST(HttpResponseBody, RFC9112_7_1_ChunkSizeLineOverTheLimitIsAnErrorWithoutBuffering) {
  body_decoder_limits l;
  l.max_chunk_line = 16;
  drive d{response_framing::chunked, 0, 0, 64, false, l};
  EXPECT_EQ(run_body(d, "1;" + std::string(14, 'e') + "\r\nx\r\n0\r\n\r\n").error, errc::ok);
  EXPECT_EQ(run_body(d, "1;" + std::string(15, 'e') + "\r\nx\r\n0\r\n\r\n").error,
            errc::http_chunk_line_too_long);
  // An endless extension fails at the byte over the default limit, however it arrives.
  body_decoder dec(response_framing::chunked, 0);
  const std::string line = "1;" + std::string(64 * 1024, 'e');
  std::byte out[8];
  std::size_t taken = 0;
  for (std::size_t at = 0; at < line.size() && dec.error() == errc::ok; at += 100) {
    taken += dec.decode(bytes_of(std::string_view(line).substr(at, 100)), out).consumed;
  }
  EXPECT_EQ(dec.error(), errc::http_chunk_line_too_long);
  EXPECT_EQ(taken, body_decoder_limits{}.max_chunk_line + 1);
}

TEST(HttpResponseBody, RFC9112_7_1_ClosedBeforeTheLastChunkIsTruncated) {
  for (const std::string body : {"", "5", "5\r", "5\r\nhel", "5\r\nhello", "5\r\nhello\r\n",
                                 "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nT: 1\r\n",
                                 "5\r\nhello\r\n0\r\n\r"}) {
    drive d{response_framing::chunked};
    d.close_at_end = true;
    const auto o = run_body(d, body);
    EXPECT_EQ(o.error, errc::http_truncated_body) << body;
    EXPECT_EQ(o.payload, std::string("hello").substr(0, o.payload.size())) << body;
  }
}

TEST(HttpResponseBody, RFC9112_7_1_AvailableCountsPayloadDecodableNow) {
  body_decoder dec(response_framing::chunked, 0);
  EXPECT_EQ(dec.available(bytes_of("5\r")), 0u);
  EXPECT_EQ(dec.available(bytes_of("5\r\nhel")), 3u);
  EXPECT_EQ(dec.available(bytes_of("5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1")), 8u);
  EXPECT_EQ(dec.available(bytes_of("5\r\nhello\r\nzz\r\n")), 5u);  // up to the fault
  // It changed nothing: the decoder still starts at the first size line.
  std::byte out[16];
  const auto r = dec.decode(bytes_of("5\r\nhello\r\n"), out);
  EXPECT_EQ(r.produced, 5u);
  body_decoder fixed(response_framing::length, 4);
  EXPECT_EQ(fixed.available(bytes_of("ab")), 2u);
  EXPECT_EQ(fixed.available(bytes_of("abcdef")), 4u);
  body_decoder close(response_framing::until_close, 0);
  EXPECT_EQ(close.available(bytes_of("abcdef")), 6u);
}

}  // namespace
}  // namespace websock::test
