// How a WebSocket connection ended: what every face reports once per opened connection.
#pragma once

#include <cstdint>
#include <string>
#include <system_error>

#include "websock/core/close.hpp"

namespace websock {

struct close_info {
  std::uint16_t code = core::close_code::abnormal;  // the peer's code; 1005 empty close; 1006 lost
  std::string reason;                                // the peer's reason
  std::error_code error;                             // why, when it was not a clean close handshake
  bool clean() const noexcept { return code != core::close_code::abnormal && !error; }
};

}  // namespace websock
