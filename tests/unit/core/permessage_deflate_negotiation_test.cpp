// The negotiation of permessage-deflate (RFC 7692 sections 5 to 7), both roles: the element
// grammar, the client's offer, the server's choice among offers, and the client's check of the
// answer. The rule each test points to is quoted in docs/permessage-deflate.md.
#include "websock/core/permessage_deflate.hpp"

#include "websock/core/handshake.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace websock::test {
namespace {

using core::deflate_agreement;
using core::deflate_options;
using core::errc;

deflate_options on() {
  deflate_options o;
  o.enabled = true;
  return o;
}

std::optional<std::string> pick(std::vector<std::string> offers, const deflate_options& o, deflate_agreement& a) {
  return core::select_deflate(offers, o, a);
}

// ---- element grammar (RFC 6455 9.1, RFC 7692 5)

TEST(Rfc7692_5_Element, ParsesNameParamsAndQuotedValues) {
  core::extension_element e;
  ASSERT_EQ(core::parse_extension_element(" permessage-deflate ; client_max_window_bits; server_max_window_bits=\"10\"",
                                          e),
            errc::ok);
  EXPECT_EQ(e.name, "permessage-deflate");
  ASSERT_EQ(e.params.size(), 2u);
  EXPECT_EQ(e.params[0].name, "client_max_window_bits");
  EXPECT_FALSE(e.params[0].value);
  EXPECT_EQ(e.params[1].name, "server_max_window_bits");
  EXPECT_EQ(e.params[1].value, "10");
}

TEST(Rfc7692_5_Element, RefusesWhatTheGrammarDoesNotAllow) {
  core::extension_element e;
  for (const char* bad : {"", ";", "permessage-deflate;", "permessage-deflate; =1", "permessage-deflate; a=",
                          "permessage-deflate; a=\"1", "permessage-deflate; a=\"1 2\"", "permessage-deflate a",
                          "permessage-deflate; a=1 b"}) {
    EXPECT_EQ(core::parse_extension_element(bad, e), errc::bad_extension) << bad;
  }
}

// ---- the client's offer (7.1)

TEST(Rfc7692_7_1_Offer, DefaultOfferNamesClientMaxWindowBitsWithoutAValue) {
  EXPECT_EQ(core::deflate_offer(on()), "permessage-deflate; client_max_window_bits");
}

TEST(Rfc7692_7_1_Offer, OfferCarriesTheCapsAndNoContextTakeoverWishes) {
  deflate_options o = on();
  o.server_no_context_takeover = true;
  o.client_no_context_takeover = true;
  o.server_max_window_bits = 10;
  o.client_max_window_bits = 9;
  EXPECT_EQ(core::deflate_offer(o),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; "
            "client_max_window_bits=9");
}

// ---- the server's choice (7.1: a server declines what it cannot honour, it does not fail)

TEST(Rfc7692_7_Server, DisabledServerAcceptsNothing) {
  deflate_agreement a;
  EXPECT_FALSE(pick({"permessage-deflate"}, deflate_options{}, a));
}

TEST(Rfc7692_7_Server, PlainOfferGetsAPlainAnswerWithTakeoverAndFullWindows) {
  deflate_agreement a;
  EXPECT_EQ(pick({"permessage-deflate"}, on(), a), "permessage-deflate");
  EXPECT_FALSE(a.server_no_context_takeover);
  EXPECT_FALSE(a.client_no_context_takeover);
  EXPECT_EQ(a.server_max_window_bits, 15);
  EXPECT_EQ(a.client_max_window_bits, 15);
}

TEST(Rfc7692_7_Server, SkipsOtherExtensionsAndTakesTheFirstAcceptableOffer) {
  deflate_agreement a;
  // The first deflate offer has an unknown parameter, the second a repeated one, the third a bad
  // value: each is declined, and the fourth is taken.
  EXPECT_EQ(pick({"x-webkit-other", "permessage-deflate; foo", "permessage-deflate; server_no_context_takeover; "
                  "server_no_context_takeover", "permessage-deflate; server_max_window_bits=7",
                  "permessage-deflate; server_max_window_bits=12"},
                 on(), a),
            "permessage-deflate; server_max_window_bits=12");
  EXPECT_EQ(a.server_max_window_bits, 12);
}

TEST(Rfc7692_7_Server, NoOfferAcceptableMeansNoExtension) {
  deflate_agreement a;
  for (const char* offer : {"permessage-deflate; server_max_window_bits", "permessage-deflate; server_max_window_bits=08",
                            "permessage-deflate; server_max_window_bits=16", "permessage-deflate; client_max_window_bits=x",
                            "permessage-deflate; server_no_context_takeover=1", "permessage-deflate; client_no_context_takeover=yes"}) {
    EXPECT_FALSE(pick({offer}, on(), a)) << offer;
  }
}

TEST(Rfc7692_7_1_1_Server, NoContextTakeoverOfferedIsAnswered) {
  deflate_agreement a;
  EXPECT_EQ(pick({"permessage-deflate; server_no_context_takeover; client_no_context_takeover"}, on(), a),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
  EXPECT_TRUE(a.server_no_context_takeover);
  EXPECT_TRUE(a.client_no_context_takeover);
}

TEST(Rfc7692_7_1_1_Server, ServerThatRequiresNoContextTakeoverSaysSoUnasked) {
  deflate_options o = on();
  o.server_no_context_takeover = true;
  o.client_no_context_takeover = true;
  deflate_agreement a;
  EXPECT_EQ(pick({"permessage-deflate"}, o, a),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
  EXPECT_TRUE(a.server_no_context_takeover);
  EXPECT_TRUE(a.client_no_context_takeover);
}

TEST(Rfc7692_7_1_2_1_Server, ServerWindowIsTheSmallerOfOfferAndCap) {
  deflate_options o = on();
  o.server_max_window_bits = 11;
  deflate_agreement a;
  EXPECT_EQ(pick({"permessage-deflate; server_max_window_bits=13"}, o, a), "permessage-deflate; server_max_window_bits=11");
  EXPECT_EQ(pick({"permessage-deflate; server_max_window_bits=9"}, o, a), "permessage-deflate; server_max_window_bits=9");
  // Not offered: the server may still state its own smaller window.
  EXPECT_EQ(pick({"permessage-deflate"}, o, a), "permessage-deflate; server_max_window_bits=11");
  EXPECT_EQ(a.server_max_window_bits, 11);
  // Offered at 15: the answer must carry the parameter.
  EXPECT_EQ(pick({"permessage-deflate; server_max_window_bits=15"}, on(), a),
            "permessage-deflate; server_max_window_bits=15");
}

TEST(Rfc7692_7_1_2_2_Server, ClientWindowWithAndWithoutAValue) {
  deflate_options o = on();
  deflate_agreement a;
  // Without a value: the client allows a cap; the server has none to ask for.
  EXPECT_EQ(pick({"permessage-deflate; client_max_window_bits"}, o, a), "permessage-deflate");
  EXPECT_EQ(a.client_max_window_bits, 15);
  // With one: the answer restates the smaller of it and the server's cap.
  EXPECT_EQ(pick({"permessage-deflate; client_max_window_bits=10"}, o, a), "permessage-deflate; client_max_window_bits=10");
  o.client_max_window_bits = 9;
  EXPECT_EQ(pick({"permessage-deflate; client_max_window_bits"}, o, a), "permessage-deflate; client_max_window_bits=9");
  EXPECT_EQ(a.client_max_window_bits, 9);
  // A server that must cap the client's window declines an offer that does not allow it.
  EXPECT_FALSE(pick({"permessage-deflate"}, o, a));
}

// ---- the client's check of the answer (7.1: the client fails the connection)

TEST(Rfc7692_7_Client, PlainAnswerToTheDefaultOffer) {
  deflate_agreement a;
  ASSERT_EQ(core::accept_deflate_response("permessage-deflate", on(), a), errc::ok);
  EXPECT_FALSE(a.server_no_context_takeover);
  EXPECT_FALSE(a.client_no_context_takeover);
  EXPECT_EQ(a.server_max_window_bits, 15);
  EXPECT_EQ(a.client_max_window_bits, 15);
}

TEST(Rfc7692_7_Client, FailsOnUnknownRepeatedOrValuelessParameters) {
  deflate_agreement a;
  for (const char* answer : {"permessage-deflate; foo", "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                             "permessage-deflate; server_max_window_bits", "permessage-deflate; client_max_window_bits",
                             "permessage-deflate; server_max_window_bits=16", "permessage-deflate; client_max_window_bits=7",
                             "permessage-deflate; server_no_context_takeover=1", "permessage-deflate; =", "other-extension"}) {
    EXPECT_EQ(core::accept_deflate_response(answer, on(), a), errc::http_bad_extension_response) << answer;
  }
}

TEST(Rfc7692_7_1_1_Client, TakeoverParametersInTheAnswer) {
  deflate_agreement a;
  ASSERT_EQ(core::accept_deflate_response("permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                                          on(), a),
            errc::ok);
  EXPECT_TRUE(a.server_no_context_takeover);
  EXPECT_TRUE(a.client_no_context_takeover);
  // Asked for server_no_context_takeover: an answer without it is refused.
  deflate_options o = on();
  o.server_no_context_takeover = true;
  EXPECT_EQ(core::accept_deflate_response("permessage-deflate", o, a), errc::http_bad_extension_response);
  // Offered client_no_context_takeover: we keep to it even if the answer leaves it out.
  o = on();
  o.client_no_context_takeover = true;
  ASSERT_EQ(core::accept_deflate_response("permessage-deflate", o, a), errc::ok);
  EXPECT_TRUE(a.client_no_context_takeover);
}

TEST(Rfc7692_7_1_2_Client, WindowBitsInTheAnswerMustStayWithinWhatWasOffered) {
  deflate_agreement a;
  ASSERT_EQ(core::accept_deflate_response("permessage-deflate; server_max_window_bits=9; client_max_window_bits=8", on(), a),
            errc::ok);
  EXPECT_EQ(a.server_max_window_bits, 9);
  EXPECT_EQ(a.client_max_window_bits, 8);
  deflate_options o = on();
  o.server_max_window_bits = 10;
  o.client_max_window_bits = 10;
  EXPECT_EQ(core::accept_deflate_response("permessage-deflate; server_max_window_bits=11", o, a),
            errc::http_bad_extension_response);
  EXPECT_EQ(core::accept_deflate_response("permessage-deflate; server_max_window_bits=10; client_max_window_bits=11", o, a),
            errc::http_bad_extension_response);
  // We capped the server's window: the answer must state it.
  EXPECT_EQ(core::accept_deflate_response("permessage-deflate", o, a), errc::http_bad_extension_response);
  ASSERT_EQ(core::accept_deflate_response("permessage-deflate; server_max_window_bits=10", o, a), errc::ok);
  EXPECT_EQ(a.client_max_window_bits, 10);  // our own cap holds without an answer
}

TEST(Rfc7692_7_Both, AnOfferTheServerAcceptsIsAnAnswerTheClientAccepts) {
  // Every combination of the options on both sides: whatever the server answers to the client's
  // offer, the client accepts, and both sides agree.
  for (int bits = 0; bits < 16; ++bits) {
    for (int cap : {8, 9, 12, 15}) {
      deflate_options c = on(), s = on();
      c.server_no_context_takeover = bits & 1;
      c.client_no_context_takeover = bits & 2;
      s.server_no_context_takeover = bits & 4;
      s.client_no_context_takeover = bits & 8;
      c.server_max_window_bits = static_cast<std::uint8_t>(cap);
      s.client_max_window_bits = static_cast<std::uint8_t>(23 - cap);
      deflate_agreement server_side, client_side;
      const auto answer = pick({core::deflate_offer(c)}, s, server_side);
      ASSERT_TRUE(answer) << core::deflate_offer(c);
      ASSERT_EQ(core::accept_deflate_response(*answer, c, client_side), errc::ok) << *answer;
      EXPECT_EQ(server_side.server_no_context_takeover, client_side.server_no_context_takeover) << *answer;
      EXPECT_EQ(server_side.client_no_context_takeover, client_side.client_no_context_takeover) << *answer;
      EXPECT_EQ(server_side.server_max_window_bits, client_side.server_max_window_bits) << *answer;
      EXPECT_EQ(server_side.client_max_window_bits, client_side.client_max_window_bits) << *answer;
    }
  }
}

// ---- through the handshakes of both roles (what every face uses)

struct handshake_pair {
  core::negotiated client_side;
  core::server_response server_side;
  errc client_error = errc::ok;
  std::string offer;
};

handshake_pair shake(const deflate_options& client, const deflate_options& server,
                     const std::string& tamper_answer = {}) {
  core::client_handshake_options co;
  co.host = "127.0.0.1";
  co.deflate = client;
  core::client_handshake c(co);
  core::server_handshake_options so;
  so.deflate = server;
  core::server_handshake s(so);
  const std::string request = c.request();
  s.feed(request);
  handshake_pair out;
  const auto* offer = core::find_header(s.request().headers, "Sec-WebSocket-Extensions");
  out.offer = offer ? offer->value : "";
  EXPECT_TRUE(s.accepted()) << request;
  out.server_side = s.chosen();
  std::string response = s.response();
  if (!tamper_answer.empty()) {
    const auto at = response.find("\r\n\r\n");
    response.insert(at, "\r\nSec-WebSocket-Extensions: " + tamper_answer);
  }
  c.feed(response);
  EXPECT_TRUE(c.done());
  out.client_error = c.error();
  out.client_side = c.result();
  return out;
}

TEST(Rfc7692_7_Handshake, BothRolesAgreeThroughTheHandshakes) {
  deflate_options s = on();
  s.client_no_context_takeover = true;
  const auto r = shake(on(), s);
  EXPECT_EQ(r.offer, "permessage-deflate; client_max_window_bits");
  ASSERT_EQ(r.client_error, errc::ok);
  ASSERT_TRUE(r.server_side.deflate);
  ASSERT_TRUE(r.client_side.deflate);
  EXPECT_TRUE(r.client_side.deflate->client_no_context_takeover);
  EXPECT_TRUE(r.server_side.deflate->client_no_context_takeover);
  EXPECT_EQ(r.client_side.extensions, (std::vector<std::string>{"permessage-deflate; client_no_context_takeover"}));
}

TEST(Rfc7692_7_Handshake, AServerWithDeflateOffNegotiatesNone) {
  const auto r = shake(on(), deflate_options{});
  ASSERT_EQ(r.client_error, errc::ok);
  EXPECT_FALSE(r.server_side.deflate);
  EXPECT_FALSE(r.client_side.deflate);
}

TEST(Rfc7692_7_Handshake, AClientFailsOnAnAnswerItDidNotAllow) {
  // A server (here: the answer edited) that names a parameter we did not offer, or answers twice.
  EXPECT_EQ(shake(on(), deflate_options{}, "permessage-deflate; server_max_window_bits=10; foo").client_error,
            errc::http_bad_extension_response);
  EXPECT_EQ(shake(on(), on(), "permessage-deflate").client_error, errc::http_bad_extension_response);
}

}  // namespace
}  // namespace websock::test
