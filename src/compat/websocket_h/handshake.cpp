// The opening handshake: WebSocketBeginClientHandshake, WebSocketEndClientHandshake,
// WebSocketBeginServerHandshake, WebSocketEndServerHandshake. The component never sees the
// request or status line; it produces and checks header lists only (RFC 6455 section 4).
#include <algorithm>
#include <string_view>

#include "handle.hpp"

namespace websock::compat::wsh {
namespace {

namespace core = websock::core;

// RFC 9110 5.6.2 token characters: what a subprotocol name (RFC 6455 4.1) may contain.
bool is_tchar(char c) noexcept {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

// One extension element ("name" or "name; param=value"): no list separator, no line breaks.
bool is_extension_element(std::string_view s) noexcept {
  if (s.empty() || !is_tchar(s.front())) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == ',' || c == '\r' || c == '\n' || c == '\0' || static_cast<unsigned char>(c) < 0x20;
  });
}

std::string_view extension_name(std::string_view element) noexcept {
  auto name = element.substr(0, element.find(';'));
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

// A list of NUL-terminated strings, each checked with `valid`.
template <class Valid>
HRESULT read_list(PCSTR* items, ULONG count, Valid valid, std::vector<std::string>& out) {
  if (count != 0 && items == nullptr) return E_INVALIDARG;
  out.clear();
  for (ULONG i = 0; i < count; ++i) {
    if (items[i] == nullptr || !valid(std::string_view(items[i]))) return E_INVALIDARG;
    out.emplace_back(items[i]);
  }
  return S_OK;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool has_line_break(std::string_view s) noexcept {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// The caller's header array as a header list. Names must be non-empty, without ':' and line
// breaks; values without line breaks (they are copied, surrounding blanks removed).
HRESULT read_headers(const WEB_SOCKET_HTTP_HEADER* headers, ULONG count, core::header_list& out) {
  if (count != 0 && headers == nullptr) return E_INVALIDARG;
  out.clear();
  out.reserve(count);
  for (ULONG i = 0; i < count; ++i) {
    const auto& h = headers[i];
    if (h.pcName == nullptr || h.ulNameLength == 0) return E_INVALIDARG;
    if (h.pcValue == nullptr && h.ulValueLength != 0) return E_INVALIDARG;
    const std::string_view name(h.pcName, h.ulNameLength);
    const std::string_view value =
        h.pcValue == nullptr ? std::string_view{} : std::string_view(h.pcValue, h.ulValueLength);
    if (name.find(':') != std::string_view::npos || has_line_break(name) || has_line_break(value)) {
      return E_INVALIDARG;
    }
    out.push_back({std::string(trim(name)), std::string(trim(value))});
  }
  return S_OK;
}

// Handshake failures as HRESULTs: the documented 0x8376000x family.
HRESULT handshake_error(core::errc e) noexcept {
  switch (e) {
    case core::errc::ok: return S_OK;
    case core::errc::http_bad_ws_version: return E_PROTOCOL_VERSION_NOT_SUPPORTED;
    case core::errc::http_unexpected_subprotocol: return E_SUBPROTOCOL_NOT_SUPPORTED;
    case core::errc::http_unexpected_extension: return E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED;
    case core::errc::out_of_memory: return E_OUTOFMEMORY;
    default: return E_INVALID_PROTOCOL_FORMAT;
  }
}

// ---------------------------------------------------------------- client

HRESULT begin_client(handle& h, PCSTR* subprotocols, ULONG subprotocol_count, PCSTR* extensions,
                     ULONG extension_count, const WEB_SOCKET_HTTP_HEADER* initial,
                     ULONG initial_count, PWEB_SOCKET_HTTP_HEADER* additional,
                     ULONG* additional_count) {
  if (additional == nullptr || additional_count == nullptr) return E_POINTER;
  if (h.role != core::role::client || h.state != phase::created) return E_INVALID_PROTOCOL_OPERATION;

  auto state = std::make_unique<client_handshake_state>();
  if (HRESULT hr = read_list(subprotocols, subprotocol_count, is_token, state->subprotocols);
      FAILED(hr)) {
    return hr;
  }
  if (HRESULT hr = read_list(extensions, extension_count, is_extension_element, state->extensions);
      FAILED(hr)) {
    return hr;
  }
  core::header_list app_headers;
  if (HRESULT hr = read_headers(initial, initial_count, app_headers); FAILED(hr)) return hr;

  core::client_handshake_options options;
  // The Host header is the application's to send; the documentation asks for it but Windows does
  // not enforce it (.NET passes only Connection and Upgrade), so it is not required here either.
  if (const auto* host = core::find_header(app_headers, "Host")) options.host = host->value;
  options.subprotocols = state->subprotocols;
  options.extensions = state->extensions;
  state->engine.emplace(std::move(options));
  // The core refused what would go on the wire (a Host that is no host): nothing to hand back.
  if (state->engine->done()) return E_INVALIDARG;

  // Of the request headers the core would send, hand back what the application must add:
  // Upgrade and Connection unless its own headers already carry the right tokens, then the key,
  // the version, and the offered subprotocols and extensions.
  core::header_list out;
  for (auto& header : state->engine->request_headers()) {
    if (core::iequals(header.name, "Host")) continue;
    if (core::iequals(header.name, "Upgrade") &&
        core::has_token(app_headers, "Upgrade", "websocket")) {
      continue;
    }
    if (core::iequals(header.name, "Connection") &&
        core::has_token(app_headers, "Connection", "Upgrade")) {
      continue;
    }
    const bool ours = core::iequals(header.name, "Upgrade") ||
                      core::iequals(header.name, "Connection") ||
                      core::iequals(header.name, "Sec-WebSocket-Key") ||
                      core::iequals(header.name, "Sec-WebSocket-Version") ||
                      core::iequals(header.name, "Sec-WebSocket-Protocol") ||
                      core::iequals(header.name, "Sec-WebSocket-Extensions");
    if (ours) out.push_back(std::move(header));
  }
  state->additional.assign(std::move(out));

  *additional = state->additional.view.data();
  *additional_count = static_cast<ULONG>(state->additional.view.size());
  h.client_hs = std::move(state);
  h.state = phase::handshake_begun;
  return S_OK;
}

HRESULT end_client(handle& h, const WEB_SOCKET_HTTP_HEADER* response, ULONG response_count,
                   ULONG* selected_extensions, ULONG* selected_extension_count,
                   ULONG* selected_subprotocol) {
  if (h.role != core::role::client || h.state != phase::handshake_begun || !h.client_hs) {
    return E_INVALID_PROTOCOL_OPERATION;
  }
  auto& hs = *h.client_hs;
  // The selected-extension array must have room for every extension offered.
  if (selected_extensions != nullptr &&
      (selected_extension_count == nullptr || *selected_extension_count < hs.extensions.size())) {
    return E_INVALIDARG;
  }
  core::header_list headers;
  if (HRESULT hr = read_headers(response, response_count, headers); FAILED(hr)) return hr;

  // The application checked the status line (it is not passed in); the headers must be a 101's.
  core::negotiated result;
  if (HRESULT hr = handshake_error(hs.engine->check_response(101, headers, result)); FAILED(hr)) {
    return hr;  // the handshake state is kept: End may be called again with other headers
  }

  ULONG subprotocol_index = 0;
  bool subprotocol_chosen = false;
  if (!result.subprotocol.empty()) {
    const auto it = std::find(hs.subprotocols.begin(), hs.subprotocols.end(), result.subprotocol);
    if (it == hs.subprotocols.end()) return E_SUBPROTOCOL_NOT_SUPPORTED;
    subprotocol_index = static_cast<ULONG>(it - hs.subprotocols.begin());
    subprotocol_chosen = true;
  }
  std::vector<ULONG> extension_indices;
  for (const auto& element : result.extensions) {
    const auto name = extension_name(element);
    const auto it = std::find_if(hs.extensions.begin(), hs.extensions.end(),
                                 [&](const std::string& o) { return extension_name(o) == name; });
    if (it == hs.extensions.end()) return E_PROTOCOL_EXTENSIONS_NOT_SUPPORTED;
    extension_indices.push_back(static_cast<ULONG>(it - hs.extensions.begin()));
  }

  if (HRESULT hr = start_session(h); FAILED(hr)) return hr;
  // Outputs only once nothing can fail any more. No subprotocol chosen: left unchanged.
  if (selected_subprotocol != nullptr && subprotocol_chosen) *selected_subprotocol = subprotocol_index;
  if (selected_extension_count != nullptr) {
    if (selected_extensions != nullptr) {
      std::copy(extension_indices.begin(), extension_indices.end(), selected_extensions);
    }
    *selected_extension_count = static_cast<ULONG>(extension_indices.size());
  }
  return S_OK;
}

// ---------------------------------------------------------------- server

HRESULT begin_server(handle& h, PCSTR subprotocol, PCSTR* extensions, ULONG extension_count,
                     const WEB_SOCKET_HTTP_HEADER* request, ULONG request_count,
                     PWEB_SOCKET_HTTP_HEADER* response, ULONG* response_count) {
  if (response == nullptr || response_count == nullptr) return E_POINTER;
  if (h.role != core::role::server || h.state != phase::created) return E_INVALID_PROTOCOL_OPERATION;

  core::server_response chosen;
  if (subprotocol != nullptr) {
    if (!is_token(subprotocol)) return E_INVALIDARG;
    chosen.subprotocol = subprotocol;
  }
  if (HRESULT hr = read_list(extensions, extension_count, is_extension_element, chosen.extensions);
      FAILED(hr)) {
    return hr;
  }
  core::header_list headers;
  if (HRESULT hr = read_headers(request, request_count, headers); FAILED(hr)) return hr;

  core::upgrade_request parsed;
  if (HRESULT hr = handshake_error(core::check_upgrade_headers(headers, parsed)); FAILED(hr)) {
    return hr;
  }
  // The server decides: whether the choice was offered is not checked (as on Windows).
  auto state = std::make_unique<server_handshake_state>();
  state->response.assign(core::accept_headers(parsed, chosen));
  *response = state->response.view.data();
  *response_count = static_cast<ULONG>(state->response.view.size());
  h.server_hs = std::move(state);
  h.state = phase::handshake_begun;
  return S_OK;
}

HRESULT end_server(handle& h) {
  if (h.role != core::role::server || h.state != phase::handshake_begun) {
    return E_INVALID_PROTOCOL_OPERATION;
  }
  return start_session(h);  // frees Begin's header array
}

}  // namespace
}  // namespace websock::compat::wsh

using namespace websock::compat::wsh;

extern "C" HRESULT WINAPI WebSocketBeginClientHandshake(
    WEB_SOCKET_HANDLE hWebSocket, PCSTR* pszSubprotocols, ULONG ulSubprotocolCount,
    PCSTR* pszExtensions, ULONG ulExtensionCount, const PWEB_SOCKET_HTTP_HEADER pInitialHeaders,
    ULONG ulInitialHeaderCount, PWEB_SOCKET_HTTP_HEADER* pAdditionalHeaders,
    ULONG* pulAdditionalHeaderCount) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return E_INVALIDARG;
  std::lock_guard lock(h->mutex);
  return guarded([&] {
    return begin_client(*h, pszSubprotocols, ulSubprotocolCount, pszExtensions, ulExtensionCount,
                        pInitialHeaders, ulInitialHeaderCount, pAdditionalHeaders,
                        pulAdditionalHeaderCount);
  });
}

extern "C" HRESULT WINAPI WebSocketEndClientHandshake(WEB_SOCKET_HANDLE hWebSocket,
                                                      const PWEB_SOCKET_HTTP_HEADER pResponseHeaders,
                                                      ULONG ulReponseHeaderCount,
                                                      ULONG* pulSelectedExtensions,
                                                      ULONG* pulSelectedExtensionCount,
                                                      ULONG* pulSelectedSubprotocol) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return E_INVALIDARG;
  std::lock_guard lock(h->mutex);
  return guarded([&] {
    return end_client(*h, pResponseHeaders, ulReponseHeaderCount, pulSelectedExtensions,
                      pulSelectedExtensionCount, pulSelectedSubprotocol);
  });
}

extern "C" HRESULT WINAPI WebSocketBeginServerHandshake(
    WEB_SOCKET_HANDLE hWebSocket, PCSTR pszSubprotocolSelected, PCSTR* pszExtensionSelected,
    ULONG ulExtensionSelectedCount, const PWEB_SOCKET_HTTP_HEADER pRequestHeaders,
    ULONG ulRequestHeaderCount, PWEB_SOCKET_HTTP_HEADER* pResponseHeaders,
    ULONG* pulResponseHeaderCount) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return E_INVALIDARG;
  std::lock_guard lock(h->mutex);
  return guarded([&] {
    return begin_server(*h, pszSubprotocolSelected, pszExtensionSelected, ulExtensionSelectedCount,
                        pRequestHeaders, ulRequestHeaderCount, pResponseHeaders,
                        pulResponseHeaderCount);
  });
}

extern "C" HRESULT WINAPI WebSocketEndServerHandshake(WEB_SOCKET_HANDLE hWebSocket) {
  handle* h = from(hWebSocket);
  if (h == nullptr) return E_INVALIDARG;
  std::lock_guard lock(h->mutex);
  return guarded([&] { return end_server(*h); });
}
