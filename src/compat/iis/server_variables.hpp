// IHttpContext::GetServerVariable and SetServerVariable: the request's CGI-style variables
// (REQUEST_METHOD, URL, QUERY_STRING, REMOTE_ADDR, HTTP_<header>, ...) and IIS's WebSocket ones
// (rule 64: IIS_WEBSOCK is "websockets" on a recognised upgrade request, WEBSOCKET_VERSION is
// readable while the WebSocket feature is on). Values live as long as the request, in both
// widths, since modules keep the pointers.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <httpserv.h>

#include "http_request.hpp"

namespace websock::iis {

class server_variables {
 public:
  server_variables(const http_request& r, bool websocket_enabled, bool upgrade)
      : r_(r), websocket_enabled_(websocket_enabled), upgrade_(upgrade) {}

  // E_INVALIDARG for null pointers, 0x80070585 (ERROR_INVALID_INDEX) for an unknown variable.
  HRESULT get(PCSTR name, PCSTR* value, DWORD* length);
  HRESULT get(PCSTR name, PCWSTR* value, DWORD* length);
  HRESULT set(PCSTR name, PCWSTR value);

 private:
  struct value {
    std::string narrow;
    std::wstring wide;
  };
  const value* lookup(PCSTR name);
  std::optional<std::string> compute(const std::string& upper) const;

  const http_request& r_;
  const bool websocket_enabled_;
  const bool upgrade_;
  std::map<std::string, value> values_;  // by upper-case name: computed once, or set
};

}  // namespace websock::iis
