// A request path turned into a path relative to a static root, or refused (docs/http.md,
// "Static files"). Order: split on '/', percent-decode each segment, check it, then normalise
// "." and ".."; a decoded segment can therefore never introduce a separator.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace websock::http {

struct static_path_rules {
  bool allow_dotfiles = false;  // segments such as ".git" or ".env" are refused by default
};

struct relative_path {
  std::string path;            // "a/b.txt"; "" for the root itself; never starts with '/'
  bool directory_form = false;  // the request path ended with '/'
};

// nullopt when the path must not be served: it does not start with '/', has an empty segment
// ("//"), a raw or encoded backslash, an encoded '/', NUL or other control byte, an invalid
// percent escape, a segment that is not UTF-8 (overlong "%c0%ae" included), a ".." above the
// root, or (by default) a dot-file segment.
std::optional<relative_path> resolve_static_path(std::string_view raw_path,
                                                 static_path_rules rules = {});

}  // namespace websock::http
