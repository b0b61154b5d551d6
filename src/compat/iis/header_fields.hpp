// A request's or a response's header fields as IIS modules change them: one value per name
// (repeats joined with ", "), names compared without case, and values whose addresses stay put
// while other fields change (GetHeader hands out pointers).
#pragma once

#include <strings.h>

#include <list>
#include <string>
#include <string_view>

#include "websock/core/http.hpp"

namespace websock::iis {

inline bool same_header_name(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

class header_fields {
 public:
  struct field {
    std::string name;
    std::string value;
  };

  field* find(std::string_view name) {
    for (auto& f : fields_) {
      if (same_header_name(f.name, name)) return &f;
    }
    return nullptr;
  }
  const field* find(std::string_view name) const { return const_cast<header_fields*>(this)->find(name); }
  // A new field, or the value replaced, or appended after ", ".
  void set(std::string_view name, std::string_view value, bool replace) {
    field* f = find(name);
    if (!f) {
      fields_.push_back({std::string(name), std::string(value)});
    } else if (replace) {
      f->value.assign(value);
    } else {
      f->value.append(", ").append(value);
    }
  }
  void remove(std::string_view name) {
    fields_.remove_if([&](const field& f) { return same_header_name(f.name, name); });
  }
  void clear() noexcept { fields_.clear(); }
  core::header_list list() const {
    core::header_list out;
    for (const auto& f : fields_) out.push_back({f.name, f.value});
    return out;
  }
  std::list<field>::const_iterator begin() const noexcept { return fields_.begin(); }
  std::list<field>::const_iterator end() const noexcept { return fields_.end(); }

 private:
  std::list<field> fields_;
};

}  // namespace websock::iis
