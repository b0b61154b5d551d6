// Static files (src/http/static_files.hpp, static_path.hpp): confinement against every encoding
// of an escape, symlinks out of a root made at test time, validators, conditionals and ranges.
#include "http/static_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "http/http_date.hpp"
#include "http/static_path.hpp"

namespace websock::test {
namespace {

using http::file_reply;
using http::header_list;

// tmp/root/{index.html,a.txt,.env,sub/{index.html,b.css}, links} and tmp/outside/secret.txt.
class HttpStatic : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/websock-static-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    tmp_ = pattern;
    root_ = tmp_ + "/root";
    ASSERT_EQ(::mkdir(root_.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/sub").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((root_ + "/empty").c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((tmp_ + "/outside").c_str(), 0755), 0);
    write(root_ + "/index.html", "<h1>root</h1>");
    write(root_ + "/a.txt", "hello world");
    write(root_ + "/.env", "SECRET=1");
    write(root_ + "/sub/index.html", "<h1>sub</h1>");
    write(root_ + "/sub/b.css", "body{}");
    write(tmp_ + "/outside/secret.txt", "top secret");
    ASSERT_EQ(::symlink("../outside/secret.txt", (root_ + "/out.txt").c_str()), 0);
    ASSERT_EQ(::symlink("../outside", (root_ + "/outdir").c_str()), 0);
    ASSERT_EQ(::symlink("/etc", (root_ + "/etc").c_str()), 0);
    ASSERT_EQ(::symlink("a.txt", (root_ + "/in.txt").c_str()), 0);
    ASSERT_EQ(::symlink("../sub", (root_ + "/sub/again").c_str()), 0);
    ASSERT_EQ(::mkfifo((root_ + "/fifo").c_str(), 0644), 0);
    // A known modification time, so the validators are predictable.
    const timeval times[2] = {{1700000000, 0}, {1700000000, 0}};
    ASSERT_EQ(::utimes((root_ + "/a.txt").c_str(), times), 0);
  }
  void TearDown() override {
    std::error_code ignored;  // remove_all removes the links, never what they point to
    if (!tmp_.empty()) std::filesystem::remove_all(tmp_, ignored);
  }
  static void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  file_reply get(const std::string& path, const header_list& h = {}, const char* method = "GET",
                 http::static_options o = {}) {
    o.root = root_;
    const http::static_files files(o);
    EXPECT_TRUE(files.ok());
    return files.serve(method, path, h);
  }
  // The bytes of the reply's range, streamed in 3-byte pieces as a driver would.
  static std::string drain(file_reply& r) {
    std::string out;
    char buf[3];
    while (const std::size_t n = http::read_file_piece(r, buf)) out.append(buf, n);
    return out;
  }
  static std::string header(const file_reply& r, std::string_view name) {
    const auto* h = core::find_header(r.head.headers, name);
    return h ? h->value : std::string("<none>");
  }

  std::string tmp_;
  std::string root_;
};

TEST_F(HttpStatic, ServesAFileStreamedInPieces) {
  auto r = get("/a.txt");
  ASSERT_EQ(r.head.status, 200);
  EXPECT_TRUE(r.file);
  EXPECT_EQ(r.head.content_length, 11u);
  EXPECT_EQ(header(r, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(header(r, "Accept-Ranges"), "bytes");
  EXPECT_EQ(header(r, "Last-Modified"), http::format_http_date(1700000000));
  EXPECT_EQ(r.file_size, 11u);
  EXPECT_EQ(r.mtime, 1700000000);
  EXPECT_EQ(drain(r), "hello world");
  EXPECT_EQ(r.remaining, 0u);
}

TEST_F(HttpStatic, DirectoryMeansItsIndex) {
  auto r = get("/");
  ASSERT_EQ(r.head.status, 200);
  EXPECT_EQ(drain(r), "<h1>root</h1>");
  EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");
  r = get("/sub/");
  EXPECT_EQ(drain(r), "<h1>sub</h1>");
  r = get("/sub");
  EXPECT_EQ(drain(r), "<h1>sub</h1>");
  EXPECT_EQ(get("/a.txt/").head.status, 404);
  EXPECT_EQ(get("/outdir/").head.status, 404);  // outside
  EXPECT_EQ(get("/empty/").head.status, 404);   // no index.html there
  EXPECT_EQ(get("/empty").head.status, 404);
}

TEST_F(HttpStatic, NormalisationInsideTheRootIsAllowed) {
  for (const char* p : {"/sub/../a.txt", "/./a.txt", "/%61.txt", "/sub/%2e%2e/a.txt", "/in.txt"}) {
    auto r = get(p);
    ASSERT_EQ(r.head.status, 200) << p;
    EXPECT_EQ(drain(r), "hello world") << p;
  }
}

// Every spelling of "leave the root", "absolute path" or "odd byte" is the same 404.
TEST_F(HttpStatic, EscapesInEveryEncodingAre404) {
  for (const char* p : {
           "/../outside/secret.txt", "/%2e%2e/outside/secret.txt", "/%2E%2e/outside/secret.txt",
           "/.%2e/outside/secret.txt", "/%2e./outside/secret.txt", "/..%2foutside%2fsecret.txt",
           "/..%2Foutside/secret.txt", "/sub/../../outside/secret.txt",
           "/sub/%2e%2e/%2e%2e/outside/secret.txt", "//etc/passwd", "//etc/hostname",
           "/%2Fetc%2Fhostname", "/%2fetc/passwd", "/a.txt%2f", "/..\\outside\\secret.txt",
           "/%5c..%5coutside%5csecret.txt", "/%5C..%5Coutside", "/sub\\..\\a.txt",
           "/%c0%ae%c0%ae/outside/secret.txt", "/%c0%ae%c0%ae%c0%afoutside",
           "/%e0%80%ae%e0%80%ae/outside", "/a.txt%00.html", "/%00", "/a%0a.txt", "/a%0d.txt",
           "/%zz", "/%4", "/%", "/a%2", "/.env", "/%2eenv", "/sub/.%2e/.env", "a.txt", "",
           "/etc/passwd", "/out.txt", "/outdir/secret.txt", "/fifo", "/nonexistent"}) {
    const auto r = get(p);
    EXPECT_EQ(r.head.status, 404) << p;
    EXPECT_FALSE(r.file) << p;
    EXPECT_EQ(r.body, "not found\n") << p;
  }
}

TEST_F(HttpStatic, PathRulesRefuseBeforeTouchingTheFileSystem) {
  EXPECT_FALSE(http::resolve_static_path("/../x"));
  EXPECT_FALSE(http::resolve_static_path("/a//b"));
  EXPECT_FALSE(http::resolve_static_path("/a%2fb"));
  EXPECT_FALSE(http::resolve_static_path("/%c0%ae"));
  const auto p = http::resolve_static_path("/a/./b/../c/");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->path, "a/c");
  EXPECT_TRUE(p->directory_form);
  EXPECT_EQ(http::resolve_static_path("/")->path, "");
  EXPECT_EQ(http::resolve_static_path("/caf%C3%A9")->path, "caf\xc3\xa9");  // UTF-8 names
  EXPECT_TRUE(http::resolve_static_path("/.well-known/x", {true}));
}

TEST_F(HttpStatic, SymlinksOutOfTheRootAreRefusedUnlessAllowed) {
  EXPECT_EQ(get("/out.txt").head.status, 404);
  EXPECT_EQ(get("/outdir/secret.txt").head.status, 404);
  EXPECT_EQ(get("/etc/hostname").head.status, 404);
  EXPECT_EQ(get("/sub/again/b.css").head.status, 200);  // a link that stays inside
  // Without openat2 the check of the opened file's real path refuses them alone.
  http::static_options plain;
  plain.kernel_beneath = false;
  EXPECT_EQ(get("/out.txt", {}, "GET", plain).head.status, 404);
  EXPECT_EQ(get("/outdir/secret.txt", {}, "GET", plain).head.status, 404);
  EXPECT_EQ(get("/etc/hostname", {}, "GET", plain).head.status, 404);
  EXPECT_EQ(get("/sub/again/b.css", {}, "GET", plain).head.status, 200);
  EXPECT_EQ(get("/in.txt", {}, "GET", plain).head.status, 200);
  http::static_options o;
  o.allow_symlinks_out = true;
  auto r = get("/out.txt", {}, "GET", o);
  ASSERT_EQ(r.head.status, 200);
  EXPECT_EQ(drain(r), "top secret");
}

TEST_F(HttpStatic, RFC9110_9_3_2_HeadNeverOpensTheBody) {
  auto r = get("/a.txt", {}, "HEAD");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.content_length, 11u);
  EXPECT_FALSE(r.file);
  EXPECT_EQ(r.remaining, 0u);
  EXPECT_EQ(header(r, "ETag"), header(get("/a.txt"), "ETag"));
  // Range has no meaning for HEAD (RFC 9110 14.2): the GET's whole-file headers.
  r = get("/a.txt", {{"Range", "bytes=0-1"}}, "HEAD");
  EXPECT_EQ(r.head.status, 200);
  EXPECT_EQ(r.head.content_length, 11u);
}

TEST_F(HttpStatic, RFC9110_15_5_6_OtherMethodsAre405WithAllow) {
  for (const char* m : {"POST", "PUT", "DELETE", "OPTIONS", "get"}) {
    const auto r = get("/a.txt", {}, m);
    EXPECT_EQ(r.head.status, 405) << m;
    EXPECT_EQ(header(r, "Allow"), "GET, HEAD");
  }
}

TEST_F(HttpStatic, RFC9110_13_1_2_IfNoneMatchGives304) {
  const std::string etag = header(get("/a.txt"), "ETag");
  for (const std::string& v : {etag, "\"x\", " + etag, std::string("*"), "W/" + etag}) {
    const auto r = get("/a.txt", {{"If-None-Match", v}});
    EXPECT_EQ(r.head.status, 304) << v;
    EXPECT_FALSE(r.file);
    EXPECT_EQ(header(r, "ETag"), etag);
  }
  EXPECT_EQ(get("/a.txt", {{"If-None-Match", "\"x\""}}).head.status, 200);
}

TEST_F(HttpStatic, RFC9110_13_1_3_IfModifiedSinceGives304AndIfNoneMatchWins) {
  const std::string at = http::format_http_date(1700000000);
  const std::string before = http::format_http_date(1699999999);
  EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", at}}).head.status, 304);
  EXPECT_EQ(get("/a.txt", {{"If-Modified-Since", before}}).head.status, 200);
  EXPECT_EQ(get("/a.txt", {{"If-None-Match", "\"x\""}, {"If-Modified-Since", at}}).head.status, 200);
}

TEST_F(HttpStatic, RFC9110_14_2_RangesGive206) {
  struct c { const char* range; const char* body; const char* content_range; };
  for (const c& t : {c{"bytes=0-4", "hello", "bytes 0-4/11"}, c{"bytes=6-", "world", "bytes 6-10/11"},
                     c{"bytes=-5", "world", "bytes 6-10/11"}, c{"bytes=4-4", "o", "bytes 4-4/11"},
                     c{"bytes=0-100", "hello world", "bytes 0-10/11"}}) {
    auto r = get("/a.txt", {{"Range", t.range}});
    ASSERT_EQ(r.head.status, 206) << t.range;
    EXPECT_EQ(header(r, "Content-Range"), t.content_range);
    EXPECT_EQ(r.head.content_length, std::string(t.body).size());
    EXPECT_EQ(drain(r), t.body);
  }
}

TEST_F(HttpStatic, RFC9110_15_5_17_UnsatisfiableRangeIs416) {
  for (const char* v : {"bytes=11-", "bytes=100-200", "bytes=-0"}) {
    const auto r = get("/a.txt", {{"Range", v}});
    EXPECT_EQ(r.head.status, 416) << v;
    EXPECT_EQ(header(r, "Content-Range"), "bytes */11");
    EXPECT_FALSE(r.file);
  }
}

TEST_F(HttpStatic, RFC9110_14_2_SeveralOrInvalidRangesServeTheWholeFile) {
  for (const char* v : {"bytes=0-1,3-4", "bytes=5-2", "lines=1-2"}) {
    auto r = get("/a.txt", {{"Range", v}});
    EXPECT_EQ(r.head.status, 200) << v;
    EXPECT_EQ(drain(r), "hello world");
  }
}

TEST_F(HttpStatic, RFC9110_13_1_5_IfRangeHonoursOnlyAMatchingValidator) {
  const std::string etag = header(get("/a.txt"), "ETag");
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-1"}, {"If-Range", etag}}).head.status, 206);
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-1"}, {"If-Range", "\"old\""}}).head.status, 200);
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-1"}, {"If-Range", http::format_http_date(1700000000)}})
                .head.status, 206);
  EXPECT_EQ(get("/a.txt", {{"Range", "bytes=0-1"}, {"If-Range", http::format_http_date(1)}})
                .head.status, 200);
}

TEST_F(HttpStatic, MissingRootAnswers404) {
  const http::static_files files({tmp_ + "/no-such-root"});
  EXPECT_FALSE(files.ok());
  EXPECT_EQ(files.serve("GET", "/a.txt", {}).head.status, 404);
}

}  // namespace
}  // namespace websock::test
