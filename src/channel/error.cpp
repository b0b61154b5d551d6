// The websock (API) category.
#include <string>

#include "websock/error.hpp"

namespace websock {
namespace {

class api_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "websock"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::ok: return "success";
      case errc::not_open: return "connection is not open";
      case errc::buffer_full: return "send buffer limit reached";
      case errc::upgrade_rejected: return "server refused the WebSocket upgrade";
      case errc::stopped: return "stopped";
    }
    return "unknown websock error";
  }
};

}  // namespace

const std::error_category& api_category() noexcept {
  static const api_category_impl instance;
  return instance;
}

}  // namespace websock
