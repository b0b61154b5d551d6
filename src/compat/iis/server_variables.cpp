#include "server_variables.hpp"

#include <cctype>

#include "compat/win32/wide_string.hpp"
#include "errors.hpp"

namespace websock::iis {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// "HTTP_USER_AGENT" for "User-Agent".
std::string cgi_name(std::string_view header) {
  std::string out = "HTTP_" + upper(header);
  for (char& c : out) {
    if (c == '-') c = '_';
  }
  return out;
}

std::string_view host_part(std::string_view remote) {
  const auto colon = remote.rfind(':');
  std::string_view h = colon == std::string_view::npos ? remote : remote.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return h;
}

}  // namespace

std::optional<std::string> server_variables::compute(const std::string& name) const {
  const request_facts& f = r_.facts();
  const auto header = [&](const char* n) -> std::optional<std::string> {
    const char* v = r_.GetHeader(n, nullptr);
    if (!v) return std::nullopt;
    return std::string(v);
  };
  if (name == "IIS_WEBSOCK") {
    if (websocket_enabled_ && upgrade_) return std::string("websockets");
    return std::nullopt;
  }
  if (name == "WEBSOCKET_VERSION") {
    if (websocket_enabled_) return std::string("13");
    return std::nullopt;
  }
  if (name == "REQUEST_METHOD") return std::string(r_.GetHttpMethod());
  if (name == "URL" || name == "PATH_INFO" || name == "SCRIPT_NAME") return std::string(r_.path());
  if (name == "QUERY_STRING") return std::string(r_.query());
  if (name == "UNENCODED_URL" || name == "HTTP_URL" || name == "CACHE_URL") return r_.target();
  if (name == "SERVER_PROTOCOL") return "HTTP/1." + std::to_string(r_.version_minor());
  if (name == "REMOTE_ADDR" || name == "REMOTE_HOST") return std::string(host_part(f.remote));
  if (name == "REMOTE_PORT") {
    const auto colon = f.remote.rfind(':');
    return colon == std::string::npos ? std::string() : f.remote.substr(colon + 1);
  }
  if (name == "SERVER_PORT") return std::to_string(f.local_port);
  if (name == "HTTPS") return std::string(f.tls ? "on" : "off");
  if (name == "SERVER_PORT_SECURE") return std::string(f.tls ? "1" : "0");
  if (name == "SERVER_NAME") {
    std::string h = header("Host").value_or("");
    if (const auto colon = h.rfind(':'); colon != std::string::npos && h.find(']', colon) == std::string::npos) h.resize(colon);
    return h;
  }
  if (name == "SERVER_SOFTWARE") return std::string("websock-iis");
  if (name == "CONTENT_LENGTH") return header("Content-Length").value_or("0");
  if (name == "CONTENT_TYPE") return header("Content-Type").value_or("");
  if (name.starts_with("HTTP_")) {
    for (const auto& h : r_.headers()) {
      if (cgi_name(h.name) == name) return h.value;
    }
  }
  return std::nullopt;
}

const server_variables::value* server_variables::lookup(PCSTR name) {
  const std::string key = upper(name);
  if (auto it = values_.find(key); it != values_.end()) return &it->second;
  auto v = compute(key);
  if (!v) return nullptr;
  auto [it, added] = values_.emplace(key, value{*v, win32::to_wide(*v)});
  return &it->second;
}

HRESULT server_variables::get(PCSTR name, PCSTR* out, DWORD* length) {
  if (!name || !out || !length) return E_INVALIDARG;
  const value* v = lookup(name);
  if (!v) return hr_no_variable;
  *out = v->narrow.c_str();
  *length = static_cast<DWORD>(v->narrow.size());
  return S_OK;
}

HRESULT server_variables::get(PCSTR name, PCWSTR* out, DWORD* length) {
  if (!name || !out || !length) return E_INVALIDARG;
  const value* v = lookup(name);
  if (!v) return hr_no_variable;
  *out = v->wide.c_str();
  *length = static_cast<DWORD>(v->wide.size());
  return S_OK;
}

HRESULT server_variables::set(PCSTR name, PCWSTR wide) {
  if (!name || !*name || !wide) return E_INVALIDARG;
  // Pointers a module kept to an earlier value of this variable end here, as they would in IIS.
  values_.insert_or_assign(upper(name), value{win32::to_utf8(wide), std::wstring(wide)});
  return S_OK;
}

}  // namespace websock::iis
