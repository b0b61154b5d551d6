// Shared by calls_test.cpp and calls_network_test.cpp: the two servers (ours with the command
// protocol, Python websockets), a plain HTTP server for non-upgrade requests, and small wrappers
// over WinHttpQueryHeaders / WinHttpQueryOption that follow their size protocol.
#pragma once

#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cwctype>
#include <optional>
#include <string>

#include "command_server.hpp"
#include "peers/peer_process.hpp"
#include "websock/server.hpp"
#include "winhttp_client.hpp"

namespace winhttp_test {

enum class server_kind { ours, python };

inline INTERNET_PORT port_of(server_kind k) {
  if (k == server_kind::ours) {
    static command_server* ours = new command_server;  // for the whole test program
    return ours->port();
  }
  static PeerProcess* python = new PeerProcess;
  return static_cast<INTERNET_PORT>(python->port());
}

inline std::string server_name(const ::testing::TestParamInfo<server_kind>& p) {
  return p.param == server_kind::ours ? "Ours" : "PythonWebsockets";
}

// Plain (non-upgrade) HTTP on websock::server's on_http:
//   GET  /body?N   200, a text body of N bytes, byte i = 'a' + i % 26
//   GET  /repeat   200 with two X-Repeat fields ("first", "second") and the body "r"
//   POST /post     200, the body "content-length=L body=B" (L the request's Content-Length field)
// anything else: 404 (the server's own).
class plain_http_server {
 public:
  plain_http_server() : srv_(options()) {
    srv_.on_http([](const websock::http_request& r) -> std::optional<websock::http_response> {
      websock::http_response out;
      if (r.method == "GET" && r.path == "/body") {
        const std::size_t n = r.target.size() > 6 ? std::stoul(r.target.substr(6)) : 0;
        for (std::size_t i = 0; i < n; ++i) out.body += static_cast<char>('a' + i % 26);
        return out;
      }
      if (r.method == "GET" && r.path == "/repeat") {
        out.headers = {{"X-Repeat", "first"}, {"X-Repeat", "second"}};
        out.body = "r";
        return out;
      }
      if (r.method == "POST" && r.path == "/post") {
        const auto* length = websock::core::find_header(r.headers, "Content-Length");
        out.body = "content-length=" + (length ? length->value : std::string("none")) + " body=" + r.body;
        return out;
      }
      return std::nullopt;
    });
    srv_.listen("127.0.0.1", 0);
    srv_.start();
  }
  INTERNET_PORT port() const { return srv_.port(); }

 private:
  static websock::server_options options() {
    websock::server_options o;
    o.threads = 1;
    return o;
  }
  websock::server srv_;
};

inline INTERNET_PORT plain_port() {
  static plain_http_server* plain = new plain_http_server;  // for the whole test program
  return plain->port();
}

// A header through the two-call protocol (NULL buffer for the size, then the value). nullopt and
// *error set when either call fails.
inline std::optional<std::wstring> query_header(HINTERNET r, DWORD level, const wchar_t* name = nullptr,
                                                DWORD* index = nullptr, DWORD* error = nullptr) {
  DWORD size = 0;
  if (WinHttpQueryHeaders(r, level, name, nullptr, &size, index) || GetLastError() != ERROR_INSUFFICIENT_BUFFER) {
    if (error) *error = GetLastError();
    return std::nullopt;
  }
  std::wstring value(size / sizeof(WCHAR), L'\0');
  if (!WinHttpQueryHeaders(r, level, name, value.data(), &size, index)) {
    if (error) *error = GetLastError();
    return std::nullopt;
  }
  value.resize(size / sizeof(WCHAR));
  if (error) *error = ERROR_SUCCESS;
  return value;
}

inline DWORD query_number(HINTERNET h, DWORD option) {
  DWORD value = 0xDEADBEEF, size = sizeof value;
  EXPECT_TRUE(WinHttpQueryOption(h, option, &value, &size)) << "option " << option << ": " << GetLastError();
  EXPECT_EQ(size, sizeof(DWORD));
  return value;
}

inline DWORD_PTR query_pointer(HINTERNET h, DWORD option) {
  DWORD_PTR value = 0;
  DWORD size = sizeof value;
  EXPECT_TRUE(WinHttpQueryOption(h, option, &value, &size)) << "option " << option << ": " << GetLastError();
  EXPECT_EQ(size, sizeof(DWORD_PTR));
  return value;
}

inline std::wstring query_string_option(HINTERNET h, DWORD option) {
  DWORD size = 0;
  EXPECT_FALSE(WinHttpQueryOption(h, option, nullptr, &size));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  std::wstring value(size / sizeof(WCHAR), L'\0');
  EXPECT_TRUE(WinHttpQueryOption(h, option, value.data(), &size)) << GetLastError();
  value.resize(size / sizeof(WCHAR));
  return value;
}

inline bool set_number(HINTERNET h, DWORD option, DWORD value) { return WinHttpSetOption(h, option, &value, sizeof value); }

inline std::wstring lower(std::wstring s) {
  for (auto& c : s) c = static_cast<wchar_t>(std::towlower(static_cast<wint_t>(c)));
  return s;
}
inline std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Session, connection and request to 127.0.0.1:port, not yet sent; closed by connection_handles.
inline void open_request(connection_handles& h, INTERNET_PORT port, const wchar_t* path, bool upgrade,
                         const wchar_t* verb = L"GET") {
  h.session = WinHttpOpen(L"websock-calls", WINHTTP_ACCESS_TYPE_NO_PROXY, nullptr, nullptr, 0);
  ASSERT_NE(h.session, nullptr);
  h.connect = WinHttpConnect(h.session, L"127.0.0.1", port, 0);
  ASSERT_NE(h.connect, nullptr);
  h.request = WinHttpOpenRequest(h.connect, verb, path, nullptr, nullptr, nullptr, 0);
  ASSERT_NE(h.request, nullptr);
  if (upgrade) {
    ASSERT_TRUE(WinHttpSetOption(h.request, WINHTTP_OPTION_UPGRADE_TO_WEB_SOCKET, nullptr, 0));
  }
}

// SendRequest and ReceiveResponse (synchronous handles).
inline void send_and_receive(HINTERNET r) {
  ASSERT_TRUE(WinHttpSendRequest(r, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) << GetLastError();
  ASSERT_TRUE(WinHttpReceiveResponse(r, nullptr)) << GetLastError();
}

// The whole response body through WinHttpQueryDataAvailable / WinHttpReadData.
inline std::string read_body(HINTERNET r) {
  std::string body;
  for (;;) {
    DWORD available = 0;
    if (!WinHttpQueryDataAvailable(r, &available)) {
      ADD_FAILURE() << "WinHttpQueryDataAvailable: " << GetLastError();
      return body;
    }
    if (available == 0) return body;
    std::string piece(available, '\0');
    DWORD got = 0;
    if (!WinHttpReadData(r, piece.data(), available, &got)) {
      ADD_FAILURE() << "WinHttpReadData: " << GetLastError();
      return body;
    }
    EXPECT_EQ(got, available) << "ReadData gives what QueryDataAvailable announced";
    body.append(piece, 0, got);
  }
}

}  // namespace winhttp_test
