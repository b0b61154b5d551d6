#include "http/mime.hpp"

#include "websock/core/http.hpp"

namespace websock::http {

std::string_view content_type_for(std::string_view file_name) noexcept {
  struct entry {
    std::string_view extension;
    std::string_view type;
  };
  static constexpr entry table[] = {
      {"html", "text/html; charset=utf-8"},  {"htm", "text/html; charset=utf-8"},
      {"css", "text/css; charset=utf-8"},    {"js", "text/javascript; charset=utf-8"},
      {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
      {"txt", "text/plain; charset=utf-8"},  {"png", "image/png"},
      {"jpg", "image/jpeg"},                 {"jpeg", "image/jpeg"},
      {"svg", "image/svg+xml"},              {"wasm", "application/wasm"},
      {"ico", "image/x-icon"},
  };
  const auto slash = file_name.rfind('/');
  const auto base = slash == std::string_view::npos ? file_name : file_name.substr(slash + 1);
  const auto dot = base.rfind('.');
  if (dot != std::string_view::npos && dot + 1 < base.size()) {
    const auto ext = base.substr(dot + 1);
    for (const auto& e : table) {
      if (core::iequals(e.extension, ext)) return e.type;
    }
  }
  return "application/octet-stream";
}

}  // namespace websock::http
