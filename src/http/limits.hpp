// The bounds a peer's request must stay within; each crossing has its own status (docs/http.md).
#pragma once

#include <cstddef>
#include <cstdint>

namespace websock::http {

struct limits {
  std::size_t max_request_line = 8 * 1024;  // method, target and version: 414 beyond
  std::size_t max_head_bytes = 16 * 1024;   // request line and header lines: 431 beyond
  std::size_t max_header_count = 100;       // 431 beyond
  std::uint64_t max_body_bytes = 1024 * 1024;  // Content-Length or chunked total: 413 beyond
  std::size_t max_chunk_line = 1024;        // one chunk-size line with its extensions: 400 beyond
  std::size_t max_trailer_bytes = 8 * 1024;  // the trailer section of a chunked body: 431 beyond
};

}  // namespace websock::http
