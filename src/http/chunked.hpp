// Chunked framing (RFC 9112 7.1) for a streamed response body of unknown length.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace websock::http {

// "<size in hex>\r\n": goes before `size` bytes of data; chunk_data_end goes after them.
std::string chunk_header(std::size_t size);
inline constexpr std::string_view chunk_data_end = "\r\n";
// The zero-size chunk and the empty trailer section that end the body.
inline constexpr std::string_view last_chunk = "0\r\n\r\n";

// Appends one whole chunk (header, data, CRLF); nothing for empty data, which would end the body.
void append_chunk(std::string& out, std::string_view data);

}  // namespace websock::http
