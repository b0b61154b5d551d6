#include "websock/core/permessage_deflate.hpp"

#include <algorithm>

#include "websock/core/http.hpp"

namespace websock::core {
namespace {

constexpr std::string_view server_no_takeover = "server_no_context_takeover";
constexpr std::string_view client_no_takeover = "client_no_context_takeover";
constexpr std::string_view server_window = "server_max_window_bits";
constexpr std::string_view client_window = "client_max_window_bits";

bool is_ows(char c) { return c == ' ' || c == '\t'; }

void skip_ows(std::string_view& s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
}

// The longest token at the front of `s`, removed from it.
std::string_view take_token(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && is_token(s.substr(n, 1))) ++n;
  const std::string_view t = s.substr(0, n);
  s.remove_prefix(n);
  return t;
}

// A quoted-string at the front of `s` (RFC 9110 5.6.4), unquoted into `out`.
bool take_quoted(std::string_view& s, std::string& out) {
  if (s.empty() || s.front() != '"') return false;
  s.remove_prefix(1);
  out.clear();
  while (!s.empty()) {
    const char c = s.front();
    s.remove_prefix(1);
    if (c == '"') return true;
    if (c == '\\') {
      if (s.empty()) return false;
      out += s.front();
      s.remove_prefix(1);
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      return false;
    } else {
      out += c;
    }
  }
  return false;  // no closing quote
}

// A window-bits value: a decimal 8..15 without leading zeros (RFC 7692 7.1.2).
std::optional<std::uint8_t> window_bits(const std::optional<std::string>& v) {
  if (!v) return std::nullopt;
  if (*v == "8" || *v == "9") return static_cast<std::uint8_t>((*v)[0] - '0');
  if (v->size() == 2 && (*v)[0] == '1' && (*v)[1] >= '0' && (*v)[1] <= '5') {
    return static_cast<std::uint8_t>(10 + ((*v)[1] - '0'));
  }
  return std::nullopt;
}

std::uint8_t clamp_bits(std::uint8_t bits) { return std::clamp<std::uint8_t>(bits, 8, 15); }

// The parameters of one element, each known name at most once: false for an unknown name or a
// repeated one (both roles refuse those).
struct params_seen {
  const extension_param* server_no_context_takeover = nullptr;
  const extension_param* client_no_context_takeover = nullptr;
  const extension_param* server_max_window_bits = nullptr;
  const extension_param* client_max_window_bits = nullptr;
};

bool collect(const extension_element& e, params_seen& seen) {
  for (const auto& p : e.params) {
    const extension_param** slot = nullptr;
    if (iequals(p.name, server_no_takeover)) slot = &seen.server_no_context_takeover;
    else if (iequals(p.name, client_no_takeover)) slot = &seen.client_no_context_takeover;
    else if (iequals(p.name, server_window)) slot = &seen.server_max_window_bits;
    else if (iequals(p.name, client_window)) slot = &seen.client_max_window_bits;
    if (slot == nullptr || *slot != nullptr) return false;
    *slot = &p;
  }
  return true;
}

// What the server makes of one offer, or nullopt when it declines it.
struct server_choice {
  deflate_agreement agreement;
  bool state_server_window = false;  // the offer named server_max_window_bits: the answer must too
  bool state_client_window = false;
};

std::optional<server_choice> consider(const extension_element& offer, const deflate_options& o) {
  params_seen seen;
  if (!collect(offer, seen)) return std::nullopt;
  if (seen.server_no_context_takeover && seen.server_no_context_takeover->value) return std::nullopt;
  if (seen.client_no_context_takeover && seen.client_no_context_takeover->value) return std::nullopt;
  server_choice c;
  deflate_agreement& a = c.agreement;
  a.server_no_context_takeover = seen.server_no_context_takeover || o.server_no_context_takeover;
  a.client_no_context_takeover = seen.client_no_context_takeover || o.client_no_context_takeover;

  a.server_max_window_bits = clamp_bits(o.server_max_window_bits);
  if (seen.server_max_window_bits) {
    const auto bits = window_bits(seen.server_max_window_bits->value);
    if (!bits) return std::nullopt;  // a value is required in an offer
    a.server_max_window_bits = std::min(a.server_max_window_bits, *bits);
    c.state_server_window = true;
  }
  c.state_server_window = c.state_server_window || a.server_max_window_bits < 15;

  const std::uint8_t client_cap = clamp_bits(o.client_max_window_bits);
  if (seen.client_max_window_bits) {
    std::uint8_t offered = 15;
    if (seen.client_max_window_bits->value) {
      const auto bits = window_bits(seen.client_max_window_bits->value);
      if (!bits) return std::nullopt;
      offered = *bits;
    }
    a.client_max_window_bits = std::min(offered, client_cap);
    c.state_client_window = a.client_max_window_bits < 15 || seen.client_max_window_bits->value.has_value();
  } else if (client_cap < 15) {
    return std::nullopt;  // we must cap the client's window and it did not say it can be capped
  }
  return c;
}

std::string answer(const server_choice& c) {
  std::string s(permessage_deflate_name);
  const deflate_agreement& a = c.agreement;
  if (a.server_no_context_takeover) (s += "; ") += server_no_takeover;
  if (a.client_no_context_takeover) (s += "; ") += client_no_takeover;
  if (c.state_server_window) ((s += "; ") += server_window) += "=" + std::to_string(a.server_max_window_bits);
  if (c.state_client_window) ((s += "; ") += client_window) += "=" + std::to_string(a.client_max_window_bits);
  return s;
}

}  // namespace

std::string describe(const deflate_agreement& a) {
  server_choice c{a, a.server_max_window_bits < 15, a.client_max_window_bits < 15};
  return answer(c);
}

errc parse_extension_element(std::string_view text, extension_element& out) {
  out = {};
  skip_ows(text);
  const std::string_view name = take_token(text);
  if (name.empty()) return errc::bad_extension;
  out.name = name;
  for (;;) {
    skip_ows(text);
    if (text.empty()) return errc::ok;
    if (text.front() != ';') return errc::bad_extension;
    text.remove_prefix(1);
    skip_ows(text);
    extension_param p;
    p.name = take_token(text);
    if (p.name.empty()) return errc::bad_extension;
    skip_ows(text);
    if (!text.empty() && text.front() == '=') {
      text.remove_prefix(1);
      skip_ows(text);
      std::string value;
      if (!text.empty() && text.front() == '"') {
        // A quoted value must still be a token once unquoted (RFC 6455 9.1).
        if (!take_quoted(text, value) || !is_token(value)) return errc::bad_extension;
      } else {
        value = take_token(text);
        if (value.empty()) return errc::bad_extension;
      }
      p.value = std::move(value);
    }
    out.params.push_back(std::move(p));
  }
}

std::string deflate_offer(const deflate_options& o) {
  std::string s(permessage_deflate_name);
  if (o.server_no_context_takeover) (s += "; ") += server_no_takeover;
  if (o.client_no_context_takeover) (s += "; ") += client_no_takeover;
  const std::uint8_t server_bits = clamp_bits(o.server_max_window_bits);
  const std::uint8_t client_bits = clamp_bits(o.client_max_window_bits);
  if (server_bits < 15) ((s += "; ") += server_window) += "=" + std::to_string(server_bits);
  // Always named: it tells the server that it may cap our window.
  (s += "; ") += client_window;
  if (client_bits < 15) s += "=" + std::to_string(client_bits);
  return s;
}

errc accept_deflate_response(std::string_view element, const deflate_options& o, deflate_agreement& out) {
  constexpr errc bad = errc::http_bad_extension_response;
  extension_element e;
  if (parse_extension_element(element, e) != errc::ok || !iequals(e.name, permessage_deflate_name)) return bad;
  params_seen seen;
  if (!collect(e, seen)) return bad;
  deflate_agreement a;
  if (seen.server_no_context_takeover) {
    if (seen.server_no_context_takeover->value) return bad;
    a.server_no_context_takeover = true;
  } else if (o.server_no_context_takeover) {
    return bad;  // we asked for it: a server that accepts must say so (RFC 7692 7.1.1.1)
  }
  if (seen.client_no_context_takeover && seen.client_no_context_takeover->value) return bad;
  // Offered or answered, we compress each message on its own.
  a.client_no_context_takeover = seen.client_no_context_takeover || o.client_no_context_takeover;

  const std::uint8_t server_cap = clamp_bits(o.server_max_window_bits);
  if (seen.server_max_window_bits) {
    const auto bits = window_bits(seen.server_max_window_bits->value);
    if (!bits || *bits > server_cap) return bad;
    a.server_max_window_bits = *bits;
  } else if (server_cap < 15) {
    return bad;  // we capped it: a server that accepts must answer with its value
  }
  const std::uint8_t client_cap = clamp_bits(o.client_max_window_bits);
  if (seen.client_max_window_bits) {
    const auto bits = window_bits(seen.client_max_window_bits->value);
    if (!bits || *bits > client_cap) return bad;  // the answer needs a value (7.1.2.2)
    a.client_max_window_bits = *bits;
  } else {
    a.client_max_window_bits = client_cap;
  }
  out = a;
  return errc::ok;
}

std::optional<std::string> select_deflate(std::span<const std::string> offers, const deflate_options& o,
                                          deflate_agreement& out) {
  if (!o.enabled) return std::nullopt;
  for (const auto& text : offers) {
    extension_element e;
    if (parse_extension_element(text, e) != errc::ok || !iequals(e.name, permessage_deflate_name)) continue;
    if (auto choice = consider(e, o)) {
      out = choice->agreement;
      return answer(*choice);
    }
  }
  return std::nullopt;
}

}  // namespace websock::core
