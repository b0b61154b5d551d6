// WinHttpCloseHandle for the handles with operations in flight: each pending operation ends as
// cancelled (ERROR_WINHTTP_OPERATION_CANCELLED), then HANDLE_CLOSING comes last (rule 52).
#pragma once

#include <memory>

#include "objects.hpp"

namespace websock::winhttp {

void close_request(const std::shared_ptr<request>& r);
void close_websocket(const std::shared_ptr<object>& ws);

}  // namespace websock::winhttp
