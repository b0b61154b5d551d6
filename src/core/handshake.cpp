#include "websock/core/handshake.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace websock::core {
namespace {

constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

std::string base64(const unsigned char* data, std::size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data,
                                      static_cast<int>(n));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

bool is_base64_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Name of an extension element: the part before its first ';'.
std::string_view extension_name(std::string_view element) {
  auto name = element.substr(0, element.find(';'));
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  return name;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

}  // namespace

std::string compute_accept_key(std::string_view key) {
  std::string input;
  input.reserve(key.size() + websocket_guid.size());
  input.append(key).append(websocket_guid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr);
  return base64(digest.data(), size);
}

std::string generate_key(const random_source& random) {
  std::array<std::byte, 16> nonce{};
  if (random.fill != nullptr) {
    random(nonce.data(), nonce.size());
  } else {
    openssl_random()(nonce.data(), nonce.size());
  }
  return base64(reinterpret_cast<const unsigned char*>(nonce.data()), nonce.size());
}

bool is_valid_key(std::string_view key) noexcept {
  // 16 bytes encode to 22 characters plus "==" padding.
  if (key.size() != 24 || key[22] != '=' || key[23] != '=') return false;
  if (!std::all_of(key.begin(), key.begin() + 22, is_base64_char)) return false;
  // The last character carries 2 data bits; the 4 bits below must be zero in canonical base64.
  const char last = key[21];
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  return (alphabet.find(last) & 0x0F) == 0;
}

// ---------------------------------------------------------------- client

client_handshake::client_handshake(client_handshake_options options, const random_source& random)
    : options_(std::move(options)),
      key_(generate_key(random)),
      expected_accept_(compute_accept_key(key_)),
      parser_(http_kind::response, options_.limits) {
  if (options_.deflate.enabled) options_.extensions.push_back(deflate_offer(options_.deflate));
  if (const errc e = check_client_request(options_); e != errc::ok) {
    error_ = e;
    done_ = true;
  }
}

header_list client_handshake::request_headers() const {
  header_list h;
  if (is_request_option_error(error_)) return h;
  h.push_back({"Host", options_.host});
  h.push_back({"Upgrade", "websocket"});
  h.push_back({"Connection", "Upgrade"});
  h.push_back({"Sec-WebSocket-Key", key_});
  h.push_back({"Sec-WebSocket-Version", "13"});
  if (!options_.subprotocols.empty()) h.push_back({"Sec-WebSocket-Protocol", join(options_.subprotocols)});
  if (!options_.extensions.empty()) h.push_back({"Sec-WebSocket-Extensions", join(options_.extensions)});
  // check_client_request refused the handshake's own fields and anything that breaks a line.
  h.insert(h.end(), options_.extra_headers.begin(), options_.extra_headers.end());
  return h;
}

std::string client_handshake::request() const {
  if (is_request_option_error(error_)) return {};
  std::string out = "GET " + options_.target + " HTTP/1.1\r\n";
  append_headers(out, request_headers());
  out += "\r\n";
  return out;
}

std::size_t client_handshake::feed(std::span<const std::byte> data) {
  if (done_) return 0;
  const std::size_t n = parser_.feed(data);
  if (parser_.error() != errc::ok) {
    error_ = parser_.error();
    done_ = true;
  } else if (parser_.done()) {
    const auto& head = parser_.head();
    // RFC 6455 4.1 sends the request as HTTP/1.1, and 101 is an HTTP/1.1 answer (RFC 9110 15.2.2):
    // "HTTP/1.0 101" or "HTTP/2.0 101" cannot have switched this connection. A later 1.x minor
    // version is read as 1.1 (RFC 9110 2.5).
    const bool http_1_1 = head.version_major == 1 && head.version_minor >= 1;
    error_ = head.status == 101 && !http_1_1 ? errc::http_bad_response_version
                                             : check_response(head.status, head.headers, result_);
    done_ = true;
  }
  return n;
}

errc client_handshake::check_response(int status, const header_list& headers,
                                      negotiated& out) const {
  out = {};
  // RFC 6455 4.1, client requirements 1-6 on the server's handshake.
  if (status != 101) return errc::http_bad_status;
  if (!has_token(headers, "Upgrade", "websocket")) return errc::http_bad_upgrade;
  if (!has_token(headers, "Connection", "Upgrade")) return errc::http_bad_connection;
  if (count_header(headers, "Sec-WebSocket-Accept") != 1 ||
      find_header(headers, "Sec-WebSocket-Accept")->value != expected_accept_) {
    return errc::http_bad_accept;
  }
  const auto protocols = header_tokens(headers, "Sec-WebSocket-Protocol");
  if (!protocols.empty()) {
    const auto& offered = options_.subprotocols;
    if (protocols.size() != 1 ||
        std::find(offered.begin(), offered.end(), protocols[0]) == offered.end()) {
      return errc::http_unexpected_subprotocol;
    }
    out.subprotocol = protocols[0];
  }
  for (const auto element : header_tokens(headers, "Sec-WebSocket-Extensions")) {
    const auto name = extension_name(element);
    const bool offered = std::any_of(options_.extensions.begin(), options_.extensions.end(),
                                     [&](const std::string& o) { return extension_name(o) == name; });
    if (!offered) return errc::http_unexpected_extension;
    if (options_.deflate.enabled && iequals(name, permessage_deflate_name)) {
      // RFC 7692 7.1: the answer must be one this offer allows, and one only.
      deflate_agreement agreement;
      if (out.deflate) return errc::http_bad_extension_response;
      if (const errc e = accept_deflate_response(element, options_.deflate, agreement); e != errc::ok) return e;
      out.deflate = agreement;
    }
    out.extensions.emplace_back(element);
  }
  return errc::ok;
}

// ---------------------------------------------------------------- server

errc check_upgrade_headers(const header_list& headers, upgrade_request& out) {
  // RFC 6455 4.2.1, items 2-6 (the request line is item 1).
  const std::size_t hosts = count_header(headers, "Host");
  if (hosts != 1) return hosts == 0 ? errc::http_missing_host : errc::http_duplicate_header;
  if (!has_token(headers, "Upgrade", "websocket")) return errc::http_bad_upgrade;
  if (!has_token(headers, "Connection", "Upgrade")) return errc::http_bad_connection;
  const auto versions = header_tokens(headers, "Sec-WebSocket-Version");
  if (versions.size() != 1 || versions[0] != "13") return errc::http_bad_ws_version;
  if (count_header(headers, "Sec-WebSocket-Key") != 1) return errc::http_bad_key;
  const auto& key = find_header(headers, "Sec-WebSocket-Key")->value;
  if (!is_valid_key(key)) return errc::http_bad_key;

  out.host = find_header(headers, "Host")->value;
  out.key = key;
  const auto* origin = find_header(headers, "Origin");
  out.origin = origin ? origin->value : std::string{};
  out.subprotocols.clear();
  for (auto p : header_tokens(headers, "Sec-WebSocket-Protocol")) out.subprotocols.emplace_back(p);
  out.extensions.clear();
  for (auto e : header_tokens(headers, "Sec-WebSocket-Extensions")) out.extensions.emplace_back(e);
  out.headers = headers;
  return errc::ok;
}

errc check_upgrade_request(const http_head& request, upgrade_request& out) {
  if (request.method != "GET") return errc::http_bad_method;
  if (request.version_major < 1 || (request.version_major == 1 && request.version_minor < 1)) {
    return errc::http_bad_version;
  }
  out.target = request.target;
  return check_upgrade_headers(request.headers, out);
}

header_list accept_headers(const upgrade_request& request, const server_response& response) {
  header_list h;
  h.push_back({"Upgrade", "websocket"});
  h.push_back({"Connection", "Upgrade"});
  h.push_back({"Sec-WebSocket-Accept", compute_accept_key(request.key)});
  if (!response.subprotocol.empty()) h.push_back({"Sec-WebSocket-Protocol", response.subprotocol});
  if (!response.extensions.empty()) h.push_back({"Sec-WebSocket-Extensions", join(response.extensions)});
  for (const auto& extra : response.extra_headers) h.push_back(extra);
  return h;
}

std::string accept_response(const upgrade_request& request, const server_response& response) {
  std::string out = "HTTP/1.1 101 Switching Protocols\r\n";
  append_headers(out, accept_headers(request, response));
  out += "\r\n";
  return out;
}

int rejection_status(errc e) noexcept {
  switch (e) {
    case errc::http_bad_ws_version: return 426;
    case errc::http_header_too_large:
    case errc::http_too_many_headers: return 431;
    case errc::http_bad_method: return 405;
    default: return 400;
  }
}

std::string reject_response(int status, std::string_view body, const header_list& extra_headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + http_reason_phrase(status) + "\r\n";
  // 4.4: a server that does not speak the client's version answers with the versions it does.
  if (status == 426) out += "Sec-WebSocket-Version: 13\r\n";
  if (status == 405) out += "Allow: GET\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Length: " + std::to_string(body.size() + (body.empty() ? 0 : 1)) + "\r\n";
  out += "Connection: close\r\n";
  append_headers(out, extra_headers);
  out += "\r\n";
  if (!body.empty()) out.append(body).append("\n");
  return out;
}

server_handshake::server_handshake(server_handshake_options options)
    : options_(std::move(options)), parser_(http_kind::request, options_.limits) {}

std::size_t server_handshake::feed(std::span<const std::byte> data) {
  if (done_) return 0;
  const std::size_t n = parser_.feed(data);
  if (parser_.error() != errc::ok) {
    error_ = parser_.error();
    status_ = rejection_status(error_);
    response_ = reject_response(status_, make_error_code(error_).message());
    done_ = true;
  } else if (parser_.done()) {
    finish(parser_.head());
    done_ = true;
  }
  return n;
}

void server_handshake::decide(const http_head& request) {
  if (done_) return;
  finish(request);
  done_ = true;
}

void server_handshake::finish(const http_head& head) {
  error_ = check_upgrade_request(head, request_);
  if (error_ != errc::ok) {
    status_ = rejection_status(error_);
    response_ = reject_response(status_, make_error_code(error_).message());
    return;
  }
  if (options_.select_subprotocol) {
    chosen_.subprotocol = options_.select_subprotocol(request_);
    const auto& offered = request_.subprotocols;
    if (!chosen_.subprotocol.empty() &&
        std::find(offered.begin(), offered.end(), chosen_.subprotocol) == offered.end()) {
      // A server may only pick what the client offered (4.2.2): a hook that does not is a bug.
      error_ = errc::http_unexpected_subprotocol;
      status_ = 500;
      response_ = reject_response(status_, "server chose a subprotocol the client did not offer");
      return;
    }
  }
  if (options_.select_extensions) chosen_.extensions = options_.select_extensions(request_);
  deflate_agreement agreement;
  if (auto answer = select_deflate(request_.extensions, options_.deflate, agreement)) {
    chosen_.extensions.push_back(std::move(*answer));
    chosen_.deflate = agreement;
  }
  if (options_.decide) {
    if (const int status = options_.decide(request_, chosen_); status != 0) {
      error_ = errc::policy_violation;
      status_ = status;
      response_ = reject_response(status_, "upgrade refused");
      return;
    }
  }
  status_ = 101;
  response_ = accept_response(request_, chosen_);
}

}  // namespace websock::core
