// The small pieces of the HTTP front: target splitting, routing, dates, content types, ranges and
// validators.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "http/conditional.hpp"
#include "http/http_date.hpp"
#include "http/mime.hpp"
#include "http/range.hpp"
#include "http/router.hpp"
#include "http/target.hpp"

namespace websock::test {
namespace {

using http::range_outcome;

TEST(HttpSupport, RFC9112_3_2_TargetSplitsIntoPathAndQuery) {
  auto t = http::split_target("/a/b?x=1&y=2");
  EXPECT_EQ(t.path, "/a/b");
  EXPECT_EQ(t.query, "x=1&y=2");
  t = http::split_target("/a");
  EXPECT_EQ(t.path, "/a");
  EXPECT_EQ(t.query, "");
  t = http::split_target("http://example.com:80/p?q");
  EXPECT_EQ(t.path, "/p");
  EXPECT_EQ(t.query, "q");
  t = http::split_target("http://example.com");
  EXPECT_EQ(t.path, "/");
  t = http::split_target("http://example.com?q");
  EXPECT_EQ(t.path, "/");
  EXPECT_EQ(t.query, "q");
  EXPECT_EQ(http::split_target("*").path, "*");
  EXPECT_EQ(http::split_target("host:443").path, "");
  EXPECT_EQ(http::split_target("/a#frag").path, "/a");
}

TEST(HttpSupport, RouterExactBeforeLongestPrefix) {
  http::router<std::function<int()>> r;
  r.exact("/chat", [] { return 1; });
  r.prefix("/", [] { return 2; });
  r.prefix("/static/", [] { return 3; });
  r.exact("/static/special", [] { return 4; });
  EXPECT_EQ((*r.find("/chat"))(), 1);
  EXPECT_EQ((*r.find("/chat/x"))(), 2);
  EXPECT_EQ((*r.find("/static/a.css"))(), 3);
  EXPECT_EQ((*r.find("/static/"))(), 3);
  EXPECT_EQ((*r.find("/static"))(), 2);
  EXPECT_EQ((*r.find("/static/special"))(), 4);
  r.prefix("/api", [] { return 5; });  // without the final '/'
  EXPECT_EQ((*r.find("/api"))(), 5);
  EXPECT_EQ((*r.find("/api/v1"))(), 5);
  EXPECT_EQ((*r.find("/apix"))(), 2);
  http::router<int> none;
  none.exact("/a", 1);
  EXPECT_EQ(none.find("/b"), nullptr);
  EXPECT_EQ(none.find("/a/"), nullptr);
}

TEST(HttpSupport, RFC9110_5_6_7_HttpDateRoundTrip) {
  EXPECT_EQ(http::format_http_date(784111777), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(http::parse_http_date(http::format_http_date(1700000000)), 1700000000);
  EXPECT_FALSE(http::parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));  // obsolete forms
  EXPECT_FALSE(http::parse_http_date("Sun Nov  6 08:49:37 1994"));
  EXPECT_FALSE(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 UTC"));
  EXPECT_FALSE(http::parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(http::parse_http_date("Sun, 0x Nov 1994 08:49:37 GMT"));
  EXPECT_FALSE(http::parse_http_date(""));
}

TEST(HttpSupport, ContentTypeByExtension) {
  EXPECT_EQ(http::content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(http::content_type_for("a/b.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(http::content_type_for("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(http::content_type_for("m.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(http::content_type_for("d.json"), "application/json");
  EXPECT_EQ(http::content_type_for("r.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(http::content_type_for("p.png"), "image/png");
  EXPECT_EQ(http::content_type_for("p.jpg"), "image/jpeg");
  EXPECT_EQ(http::content_type_for("i.svg"), "image/svg+xml");
  EXPECT_EQ(http::content_type_for("m.wasm"), "application/wasm");
  EXPECT_EQ(http::content_type_for("favicon.ico"), "image/x-icon");
  EXPECT_EQ(http::content_type_for("archive.tar.gz"), "application/octet-stream");
  EXPECT_EQ(http::content_type_for("noext"), "application/octet-stream");
  EXPECT_EQ(http::content_type_for("dir.html/file"), "application/octet-stream");
  EXPECT_EQ(http::content_type_for("trailing."), "application/octet-stream");
}

TEST(HttpSupport, RFC9110_14_2_SingleRanges) {
  auto r = http::evaluate_range("bytes=0-4", 11);
  EXPECT_EQ(r.outcome, range_outcome::partial);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 5u);
  r = http::evaluate_range("bytes=6-", 11);
  EXPECT_EQ(r.first, 6u);
  EXPECT_EQ(r.length, 5u);
  r = http::evaluate_range("bytes=-5", 11);
  EXPECT_EQ(r.first, 6u);
  EXPECT_EQ(r.length, 5u);
  r = http::evaluate_range("bytes=-50", 11);  // more than there is: all of it
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.length, 11u);
  r = http::evaluate_range("bytes=3-99999999999999999999999", 11);
  EXPECT_EQ(r.outcome, range_outcome::partial);
  EXPECT_EQ(r.length, 8u);
  r = http::evaluate_range("Bytes = 10-10", 11);
  EXPECT_EQ(r.outcome, range_outcome::partial);
  EXPECT_EQ(r.length, 1u);
}

TEST(HttpSupport, RFC9110_14_2_UnsatisfiableAndIgnoredRanges) {
  EXPECT_EQ(http::evaluate_range("bytes=11-", 11).outcome, range_outcome::unsatisfiable);
  EXPECT_EQ(http::evaluate_range("bytes=99999999999999999999-", 11).outcome,
            range_outcome::unsatisfiable);
  EXPECT_EQ(http::evaluate_range("bytes=-0", 11).outcome, range_outcome::unsatisfiable);
  EXPECT_EQ(http::evaluate_range("bytes=0-", 0).outcome, range_outcome::unsatisfiable);
  EXPECT_EQ(http::evaluate_range("bytes=-1", 0).outcome, range_outcome::unsatisfiable);
  // Ignored: the whole representation is sent.
  for (const char* v : {"bytes=0-1,3-4", "bytes=5-2", "bytes=a-b", "items=0-1", "bytes 0-1",
                        "bytes=", "bytes=-", "bytes=--1", "bytes=1-2-3", ""}) {
    EXPECT_EQ(http::evaluate_range(v, 11).outcome, range_outcome::whole) << v;
  }
}

TEST(HttpSupport, RFC9110_13_1_ValidatorsAndConditions) {
  const std::string etag = http::make_etag(11, 1700000000, 5);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');
  EXPECT_NE(etag, http::make_etag(11, 1700000000, 6));  // same second, other edit
  EXPECT_NE(etag, http::make_etag(12, 1700000000, 5));
  const std::time_t mtime = 1700000000;
  const auto inm = [&](std::string v) {
    return http::is_not_modified({{"If-None-Match", std::move(v)}}, etag, mtime);
  };
  EXPECT_TRUE(inm(etag));
  EXPECT_TRUE(inm("\"other\", " + etag));
  EXPECT_TRUE(inm("W/" + etag));  // weak comparison
  EXPECT_TRUE(inm("*"));
  EXPECT_FALSE(inm("\"other\""));
  EXPECT_FALSE(inm("garbage"));
  const std::string at = http::format_http_date(mtime);
  const std::string before = http::format_http_date(mtime - 1);
  EXPECT_TRUE(http::is_not_modified({{"If-Modified-Since", at}}, etag, mtime));
  EXPECT_FALSE(http::is_not_modified({{"If-Modified-Since", before}}, etag, mtime));
  EXPECT_FALSE(http::is_not_modified({{"If-Modified-Since", "yesterday"}}, etag, mtime));
  // If-None-Match wins over If-Modified-Since, both ways.
  EXPECT_FALSE(http::is_not_modified({{"If-None-Match", "\"other\""}, {"If-Modified-Since", at}},
                                     etag, mtime));
  EXPECT_TRUE(http::is_not_modified({{"If-None-Match", etag}, {"If-Modified-Since", before}},
                                    etag, mtime));
  // If-Range: strong comparison or the exact date.
  EXPECT_TRUE(http::if_range_allows({}, etag, mtime));
  EXPECT_TRUE(http::if_range_allows({{"If-Range", etag}}, etag, mtime));
  EXPECT_FALSE(http::if_range_allows({{"If-Range", "W/" + etag}}, etag, mtime));
  EXPECT_FALSE(http::if_range_allows({{"If-Range", "\"other\""}}, etag, mtime));
  EXPECT_TRUE(http::if_range_allows({{"If-Range", at}}, etag, mtime));
  EXPECT_FALSE(http::if_range_allows({{"If-Range", before}}, etag, mtime));
}

}  // namespace
}  // namespace websock::test
