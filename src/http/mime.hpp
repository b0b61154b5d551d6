// Content-Type for a file name, by its extension.
#pragma once

#include <string_view>

namespace websock::http {

// html, css, js, mjs, json, txt, png, jpg/jpeg, svg, wasm, ico (case-insensitive);
// application/octet-stream for anything else.
std::string_view content_type_for(std::string_view file_name) noexcept;

}  // namespace websock::http
