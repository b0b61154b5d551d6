#pragma once

#include <string_view>

// The demo page `websock serve` shows at /: an echo box and a chat room, both over WebSocket.
std::string_view demo_page() noexcept;
