#include "http_request.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "compat/win32/wide_string.hpp"
#include "errors.hpp"
#include "header_ids.hpp"
#include "http/field_syntax.hpp"
#include "http/target.hpp"

namespace websock::iis {
namespace {

// "1.2.3.4:5678" or "[::1]:5678" into a sockaddr; false for anything else (a Unix socket).
bool parse_remote(const std::string& text, sockaddr_storage& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = text.substr(0, colon);
  const int port = std::atoi(text.c_str() + colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&out);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(static_cast<std::uint16_t>(port));
    return inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &a6->sin6_addr) == 1;
  }
  auto* a4 = reinterpret_cast<sockaddr_in*>(&out);
  a4->sin_family = AF_INET;
  a4->sin_port = htons(static_cast<std::uint16_t>(port));
  return inet_pton(AF_INET, host.c_str(), &a4->sin_addr) == 1;
}

HTTP_VERB verb_of(std::string_view m) {
  static const std::pair<std::string_view, HTTP_VERB> verbs[] = {
      {"OPTIONS", HttpVerbOPTIONS}, {"GET", HttpVerbGET},         {"HEAD", HttpVerbHEAD},
      {"POST", HttpVerbPOST},       {"PUT", HttpVerbPUT},         {"DELETE", HttpVerbDELETE},
      {"TRACE", HttpVerbTRACE},     {"CONNECT", HttpVerbCONNECT}, {"TRACK", HttpVerbTRACK},
      {"MOVE", HttpVerbMOVE},       {"COPY", HttpVerbCOPY},       {"PROPFIND", HttpVerbPROPFIND},
      {"PROPPATCH", HttpVerbPROPPATCH}, {"MKCOL", HttpVerbMKCOL}, {"LOCK", HttpVerbLOCK},
      {"UNLOCK", HttpVerbUNLOCK},   {"SEARCH", HttpVerbSEARCH}};
  for (const auto& [name, v] : verbs) {
    if (m == name) return v;
  }
  return HttpVerbUnknown;
}

USHORT short_size(std::size_t n) { return static_cast<USHORT>(n > 0xFFFF ? 0xFFFF : n); }

}  // namespace

bool is_clean_value(std::string_view value) noexcept {
  for (char c : value) {
    if (!http::is_field_char(c)) return false;
  }
  return true;
}

bool is_clean_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (char c : name) {
    if (!http::is_tchar(c)) return false;
  }
  return true;
}

http_request::http_request(const http::request& r, std::string body, request_facts facts)
    : method_(r.method), target_(r.target), version_minor_(r.version_minor), body_(std::move(body)),
      facts_(std::move(facts)) {
  // Repeated fields are one value, joined with ", " (RFC 9110 5.3), as IIS gives them.
  for (const auto& h : r.headers) fields_.set(h.name, h.value, false);
  has_remote_addr_ = parse_remote(facts_.remote, remote_addr_);
}

PCSTR http_request::GetHeader(PCSTR name, USHORT* length) const {
  const auto* f = name ? fields_.find(name) : nullptr;
  if (length) *length = f ? short_size(f->value.size()) : 0;
  return f ? f->value.c_str() : nullptr;
}

PCSTR http_request::GetHeader(HTTP_HEADER_ID id, USHORT* length) const {
  const std::string_view name = request_header_name(id);
  if (name.empty()) {
    if (length) *length = 0;
    return nullptr;
  }
  return GetHeader(std::string(name).c_str(), length);
}

HRESULT http_request::SetHeader(PCSTR name, PCSTR value, USHORT length, BOOL replace) {
  if (!name || (!value && length > 0)) return E_INVALIDARG;
  const std::string_view v(value ? value : "", length);
  if (!is_clean_name(name) || !is_clean_value(v)) return E_INVALIDARG;
  raw_stale_ = true;
  fields_.set(name, v, replace != FALSE);
  return S_OK;
}

HRESULT http_request::SetHeader(HTTP_HEADER_ID id, PCSTR value, USHORT length, BOOL replace) {
  const std::string_view name = request_header_name(id);
  if (name.empty()) return E_INVALIDARG;
  return SetHeader(std::string(name).c_str(), value, length, replace);
}

HRESULT http_request::DeleteHeader(PCSTR name) {
  if (!name) return E_INVALIDARG;
  raw_stale_ = true;
  fields_.remove(name);
  return S_OK;
}

HRESULT http_request::DeleteHeader(HTTP_HEADER_ID id) {
  const std::string_view name = request_header_name(id);
  if (name.empty()) return E_INVALIDARG;
  return DeleteHeader(std::string(name).c_str());
}

HRESULT http_request::SetHttpMethod(PCSTR method) {
  if (!method || !is_clean_name(method)) return E_INVALIDARG;
  method_ = method;
  raw_stale_ = true;
  return S_OK;
}

HRESULT http_request::SetUrl(PCWSTR url, DWORD length, BOOL reset_query) {
  if (!url) return E_INVALIDARG;
  const std::string narrow = win32::to_utf8(std::wstring_view(url, length));
  return SetUrl(narrow.c_str(), static_cast<DWORD>(narrow.size()), reset_query);
}

HRESULT http_request::SetUrl(PCSTR url, DWORD length, BOOL reset_query) {
  if (!url || length == 0 || url[0] != '/') return E_INVALIDARG;
  std::string next(url, length);
  if (!is_clean_value(next) || next.find(' ') != std::string::npos) return E_INVALIDARG;
  if (!reset_query && next.find('?') == std::string::npos && !query().empty()) {
    next.append("?").append(query());
  }
  target_ = std::move(next);
  url_changed_ = true;
  raw_stale_ = true;
  return S_OK;
}

PSOCKADDR http_request::GetRemoteAddress() const {
  return has_remote_addr_ ? reinterpret_cast<PSOCKADDR>(const_cast<sockaddr_storage*>(&remote_addr_)) : nullptr;
}

HRESULT http_request::read_body(VOID* buffer, DWORD size, DWORD& received) {
  received = 0;
  if (!buffer && size > 0) return E_INVALIDARG;
  if (body_read_ >= body_.size()) return hr_end_of_body;
  const std::size_t n = std::min<std::size_t>(size, body_.size() - body_read_);
  std::memcpy(buffer, body_.data() + body_read_, n);
  body_read_ += n;
  received = static_cast<DWORD>(n);
  return S_OK;
}

HRESULT http_request::ReadEntityBody(VOID* buffer, DWORD size, BOOL async, DWORD* received, BOOL* pending) {
  // The body is in memory, so every read completes at once: inline, or, for an asynchronous
  // caller that cannot be told so (no pfCompletionPending), through OnAsyncCompletion.
  if (!received) return E_INVALIDARG;
  const HRESULT hr = read_body(buffer, size, *received);
  if (async && !pending && complete_later_) {
    if (FAILED(hr)) return hr;
    complete_later_(*received, hr);
  } else if (pending) {
    *pending = FALSE;
  }
  return hr;
}

HRESULT http_request::InsertEntityBody(VOID* buffer, DWORD size) {
  if (!buffer && size > 0) return E_INVALIDARG;
  body_.insert(body_read_, static_cast<const char*>(buffer), size);
  return S_OK;
}

VOID http_request::GetHttpVersion(USHORT* major, USHORT* minor) const {
  if (major) *major = 1;
  if (minor) *minor = static_cast<USHORT>(version_minor_);
}

HRESULT http_request::GetClientCertificate(HTTP_SSL_CLIENT_CERT_INFO** info, BOOL* negotiated) {
  if (info) *info = nullptr;
  if (negotiated) *negotiated = FALSE;
  return HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
}

HRESULT http_request::NegotiateClientCertificate(BOOL, BOOL* pending) {
  if (pending) *pending = FALSE;
  return E_NOTIMPL;
}

std::string_view http_request::path() const noexcept { return http::split_target(target_).path; }
std::string_view http_request::query() const noexcept { return http::split_target(target_).query; }

core::header_list http_request::headers() const { return fields_.list(); }

HTTP_REQUEST* http_request::GetRawHttpRequest() {
  rebuild_raw();
  return &raw_;
}

const HTTP_REQUEST* http_request::GetRawHttpRequest() const {
  rebuild_raw();
  return &raw_;
}

void http_request::rebuild_raw() const {
  if (!raw_stale_) return;
  raw_stale_ = false;
  raw_ = HTTP_REQUEST{};
  raw_.Version = {1, static_cast<USHORT>(version_minor_)};
  raw_.Verb = verb_of(method_);
  if (raw_.Verb == HttpVerbUnknown) {
    raw_.pUnknownVerb = method_.c_str();
    raw_.UnknownVerbLength = short_size(method_.size());
  }
  raw_.pRawUrl = target_.c_str();
  raw_.RawUrlLength = short_size(target_.size());
  const auto* host = fields_.find("Host");
  host_w_ = win32::to_wide(host ? host->value : "");
  path_w_ = win32::to_wide(path());
  query_w_ = query().empty() ? std::wstring() : L"?" + win32::to_wide(query());
  full_url_w_ = (facts_.tls ? L"https://" : L"http://") + host_w_ + path_w_ + query_w_;
  const auto bytes = [](const std::wstring& w) { return short_size(w.size() * sizeof(wchar_t)); };
  raw_.CookedUrl = {bytes(full_url_w_), bytes(host_w_), bytes(path_w_), bytes(query_w_), full_url_w_.c_str(),
                    full_url_w_.c_str() + (facts_.tls ? 8 : 7), full_url_w_.c_str() + (facts_.tls ? 8 : 7) + host_w_.size(),
                    query_w_.empty() ? nullptr : full_url_w_.c_str() + (full_url_w_.size() - query_w_.size())};
  raw_.Address.pRemoteAddress = GetRemoteAddress();
  unknown_.clear();
  for (const auto& f : fields_) {
    bool known = false;
    for (int id = 0; id < HttpHeaderRequestMaximum; ++id) {
      if (same_header_name(request_header_name(static_cast<HTTP_HEADER_ID>(id)), f.name)) {
        raw_.Headers.KnownHeaders[id] = {short_size(f.value.size()), f.value.c_str()};
        known = true;
        break;
      }
    }
    if (!known) unknown_.push_back({short_size(f.name.size()), short_size(f.value.size()), f.name.c_str(), f.value.c_str()});
  }
  raw_.Headers.UnknownHeaderCount = short_size(unknown_.size());
  raw_.Headers.pUnknownHeaders = unknown_.empty() ? nullptr : unknown_.data();
  raw_.BytesReceived = body_.size();
}

}  // namespace websock::iis
