#include "errors.hpp"

#include "net/failure_kind.hpp"
#include "websock/core/error.hpp"
#include "websock/error.hpp"

namespace websock::winhttp {

DWORD error_from(const std::error_code& ec) noexcept {
  if (!ec) return ERROR_SUCCESS;
  if (ec.category() == core::core_category()) {
    return static_cast<core::errc>(ec.value()) == core::errc::out_of_memory ? ERROR_NOT_ENOUGH_MEMORY
                                                                           : ERROR_WINHTTP_INVALID_SERVER_RESPONSE;
  }
  if (ec == std::errc::operation_in_progress) return ERROR_INVALID_OPERATION;
  if (ec == websock::errc::not_open) return ERROR_WINHTTP_CONNECTION_ERROR;
  switch (net::classify_failure(ec)) {
    case net::failure_kind::none:
      return ERROR_SUCCESS;
    case net::failure_kind::name_not_resolved:
      return ERROR_WINHTTP_NAME_NOT_RESOLVED;
    case net::failure_kind::refused:
    case net::failure_kind::proxy:
      return ERROR_WINHTTP_CANNOT_CONNECT;
    case net::failure_kind::timed_out:
      return ERROR_WINHTTP_TIMEOUT;
    case net::failure_kind::tls:
      return ERROR_WINHTTP_SECURE_FAILURE;
    case net::failure_kind::lost:
      return ERROR_WINHTTP_CONNECTION_ERROR;
    case net::failure_kind::cancelled:
      return ERROR_WINHTTP_OPERATION_CANCELLED;
    case net::failure_kind::other:
      break;
  }
  return ERROR_WINHTTP_CONNECTION_ERROR;
}

}  // namespace websock::winhttp
