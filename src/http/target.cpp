#include "http/target.hpp"

namespace websock::http {

target_parts split_target(std::string_view target) noexcept {
  if (target == "*") return {target, {}};
  std::string_view rest = target;
  // absolute-form: drop scheme "://" authority; the path is what follows (RFC 9112 3.2.2).
  if (!rest.empty() && rest.front() != '/') {
    const auto scheme_end = rest.find("://");
    if (scheme_end == std::string_view::npos) return {{}, {}};  // authority-form
    rest.remove_prefix(scheme_end + 3);
    const auto path_start = rest.find_first_of("/?#");
    rest = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  }
  // A fragment is never sent by a conforming client; drop it if one was.
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  target_parts out;
  const auto q = rest.find('?');
  out.path = rest.substr(0, q);
  if (q != std::string_view::npos) out.query = rest.substr(q + 1);
  if (out.path.empty()) out.path = "/";  // "http://host" and "http://host?x" mean "/"
  return out;
}

}  // namespace websock::http
