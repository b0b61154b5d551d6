// The Range header of a GET (RFC 9110 14.2) against a representation of `size` bytes.
#pragma once

#include <cstdint>
#include <string_view>

namespace websock::http {

enum class range_outcome : unsigned char {
  whole,          // no usable single range: 200 with the whole representation
  partial,        // 206 with first..first+length-1
  unsatisfiable,  // 416 with Content-Range: bytes */size
};

struct range_result {
  range_outcome outcome = range_outcome::whole;
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

// One range of the bytes unit ("a-b", "a-", "-n"). A header that does not parse is ignored
// (14.2 allows it) and so is a request for several ranges: the whole file is sent rather than a
// multipart/byteranges body.
range_result evaluate_range(std::string_view value, std::uint64_t size) noexcept;

}  // namespace websock::http
