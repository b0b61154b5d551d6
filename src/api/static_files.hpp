// Files from a directory for plain GETs: no path may leave the root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "websock/http.hpp"

namespace websock::detail {

// The file at `path` (percent-decoded, "/" and directories mean index.html) under `root`, or
// nullopt when there is none. Paths with ".." segments or NUL never match.
std::optional<http_response> serve_static(const std::string& root, std::string_view path);
// By file extension; application/octet-stream otherwise.
std::string_view content_type_for(std::string_view path) noexcept;

}  // namespace websock::detail
