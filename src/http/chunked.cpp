#include "http/chunked.hpp"

#include <cstdio>

namespace websock::http {

std::string chunk_header(std::size_t size) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%zx\r\n", size);
  return std::string(buf, static_cast<std::size_t>(n));
}

void append_chunk(std::string& out, std::string_view data) {
  if (data.empty()) return;
  out += chunk_header(data.size());
  out += data;
  out += chunk_data_end;
}

}  // namespace websock::http
