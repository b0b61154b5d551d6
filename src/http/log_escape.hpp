// Peer-controlled bytes made safe for one log line: nothing the peer sends can forge a line,
// move the cursor or flood the log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace websock::http {

// Printable ASCII is kept (backslash doubled), CR, LF and HTAB become \r \n \t, every other byte
// \xNN. Input longer than max_bytes is cut there and "...(N bytes)" appended, N the full length.
std::string escape_for_log(std::string_view bytes, std::size_t max_bytes = 128);

}  // namespace websock::http
