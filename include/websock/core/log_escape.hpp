// Peer-controlled bytes made safe for one log line: nothing the peer sends can forge a line,
// move the cursor or flood the log. The one escaper of every layer (core, net, http, the API and
// the CLI), so every log line reads peer bytes the same way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace websock::core {

// Bytes of peer input shown in one log field by default; the rest is counted, not shown.
inline constexpr std::size_t log_field_bytes = 128;

// Printable ASCII is kept (backslash doubled), CR, LF and HTAB become \r \n \t, every other byte
// (controls, DEL, bytes >= 0x80) \xNN. Input longer than max_bytes is cut there and "...(N bytes)"
// appended, N the full length, so the result is at most 4 * max_bytes + 32 characters.
std::string escape_for_log(std::string_view bytes, std::size_t max_bytes = log_field_bytes);

// Peer text shown on a terminal (websock connect) or in a one-line description: valid UTF-8 and
// HTAB are kept, so every language reads as sent; CR and LF become \r and \n (one message stays
// one line and cannot overwrite another); every other control (C0, DEL, and C1 such as U+009B,
// which some terminals take as CSI) and every byte that is not UTF-8 becomes \xNN, so no escape
// sequence reaches the terminal. Backslashes stay as they are (this is for reading, not decoding:
// the exact bytes come through a pipe), so escaping twice changes nothing; nothing is cut.
std::string escape_for_terminal(std::string_view bytes);

}  // namespace websock::core
