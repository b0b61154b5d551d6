// One mapping from the runtime's errors to the Win32 / ERROR_WINHTTP_* codes the face reports
// (spec section 7), and the synchronous calls' wait for their completion.
#pragma once

#include <windows.h>
#include <winhttp.h>

#include <condition_variable>
#include <mutex>
#include <system_error>

namespace websock::winhttp {

// A failed connection, request or response step. TLS failures are ERROR_WINHTTP_SECURE_FAILURE;
// a protocol or handshake violation by the server is ERROR_WINHTTP_INVALID_SERVER_RESPONSE.
DWORD error_from(const std::error_code& ec) noexcept;

// Sets the last error and returns FALSE: the BOOL functions' failure path.
inline BOOL fail(DWORD error) noexcept {
  SetLastError(error);
  return FALSE;
}
inline BOOL succeed() noexcept {
  SetLastError(ERROR_SUCCESS);  // Windows 7 and later do this on success (spec 2.1)
  return TRUE;
}

// A synchronous call waits here for the completion that runs on a loop thread.
class sync_wait {
 public:
  void finish(DWORD error) {
    std::lock_guard lock(mu_);
    error_ = error;
    done_ = true;
    cv_.notify_all();
  }
  DWORD wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  DWORD error_ = ERROR_SUCCESS;
};

}  // namespace websock::winhttp
