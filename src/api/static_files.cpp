#include "api/static_files.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace websock::detail {
namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

// Decoding first, then checking segments: "%2e%2e" is caught as "..".
bool safe_relative(const std::string& decoded) {
  if (decoded.empty() || decoded.front() != '/' || decoded.find('\0') != std::string::npos) return false;
  std::size_t start = 1;
  while (start <= decoded.size()) {
    const std::size_t end = std::min(decoded.find('/', start), decoded.size());
    const std::string_view seg(decoded.data() + start, end - start);
    if (seg == ".." || seg.find('\\') != std::string_view::npos) return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::string_view content_type_for(std::string_view path) noexcept {
  struct entry {
    std::string_view ext, type;
  };
  static constexpr entry table[] = {
      {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"}, {".json", "application/json"},
      {".txt", "text/plain; charset=utf-8"}, {".svg", "image/svg+xml"},
      {".png", "image/png"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
      {".gif", "image/gif"}, {".ico", "image/x-icon"}, {".wasm", "application/wasm"},
  };
  for (const auto& e : table) {
    if (path.ends_with(e.ext)) return e.type;
  }
  return "application/octet-stream";
}

std::optional<http_response> serve_static(const std::string& root, std::string_view path) {
  std::string decoded;
  if (!percent_decode(path, decoded) || !safe_relative(decoded)) return std::nullopt;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path file = fs::path(root) / decoded.substr(1);
  if (fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  http_response r;
  r.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  r.content_type = std::string(content_type_for(file.string()));
  return r;
}

}  // namespace websock::detail
