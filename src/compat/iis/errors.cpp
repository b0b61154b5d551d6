#include "errors.hpp"

#include "net/failure_kind.hpp"

namespace websock::iis {

HRESULT hresult_from(const std::error_code& ec, bool aborted_by_us) noexcept {
  if (!ec) return S_OK;
  if (ec == std::errc::operation_canceled) return hr_cancelled;
  if (ec == std::errc::operation_in_progress) return hr_wrong_state;
  if (aborted_by_us) return hr_aborted;
  if (net::classify_failure(ec) == net::failure_kind::cancelled) return hr_cancelled;
  return hr_peer_gone;
}

}  // namespace websock::iis
