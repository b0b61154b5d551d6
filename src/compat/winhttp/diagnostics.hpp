// Leak counting for tests: how many WinHTTP objects are alive. Kept apart from objects.hpp so that a
// test can include it (with src/compat on its include path) without the internal headers behind it.
#pragma once

#include <chrono>
#include <cstddef>

namespace websock::winhttp {

// Objects alive (open handles plus closed ones that operations still hold).
std::size_t live_objects() noexcept;

// Waits until at most `target` objects are alive or `timeout` passes; returns the last count seen.
// An object outlives its HANDLE_CLOSING by the few instructions that drop the operation holding it,
// so a test that saw every HANDLE_CLOSING waits here (on the destructor's signal, no polling).
std::size_t wait_live_objects_at_most(std::size_t target, std::chrono::milliseconds timeout);

}  // namespace websock::winhttp
