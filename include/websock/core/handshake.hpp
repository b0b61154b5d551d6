// The opening handshake, both roles (RFC 6455 section 4). SHA-1, base64 and the nonce come from
// OpenSSL. Each role can work on raw bytes (feed()) or on parsed header lists, as websocket.h needs.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "websock/core/error.hpp"
#include "websock/core/http.hpp"
#include "websock/core/permessage_deflate.hpp"
#include "websock/core/random.hpp"

namespace websock::core {

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) (RFC 6455 4.2.2).
std::string compute_accept_key(std::string_view key);
// base64 of 16 random bytes (RFC 6455 4.1).
std::string generate_key(const random_source& random);
// True if `key` is base64 that decodes to exactly 16 bytes.
bool is_valid_key(std::string_view key) noexcept;

// ---------------------------------------------------------------- client

// Every string here goes into the request head; check_client_request holds each to its grammar.
struct client_handshake_options {
  std::string host;                       // Host header value (host[:port]); empty: not sent by us
  std::string target = "/";               // request-target: "/path?query", percent-encoded as needed
  std::vector<std::string> subprotocols;  // offered, in preference order: tokens, each once
  std::vector<std::string> extensions;    // offered, each one element, e.g. "permessage-deflate; client_max_window_bits"
  // permessage-deflate (RFC 7692), when enabled: its offer goes after `extensions`, and the
  // server's answer is checked (errc::http_bad_extension_response); negotiated::deflate has it.
  deflate_options deflate;
  header_list extra_headers;              // Origin, Authorization, cookies... (not the handshake's own)
  http_limits limits;
};

// Checks what a client asked to send before any byte is written, and percent-encodes the target:
//  - target: must start with '/'; CR, LF, NUL and the other controls (but HTAB) are refused; SP,
//    HTAB, bytes over 0x7E and every other character a request-target cannot hold ('"', '#', '<',
//    '>', '\\', '^', '`', '{', '|', '}', '[', ']', a '%' that starts no escape) become %HH; escapes
//    already there stay, so checking twice changes nothing.
//  - host: a reg-name, IPv4 address or [IP literal], then an optional ":port".
//  - subprotocols: tokens, none twice (RFC 6455 4.1). extensions: "token[; params]", no comma.
//  - extra headers: token names; values without CR, LF, NUL or other controls (HTAB may stay);
//    never a field the handshake writes itself (is_reserved_request_header).
// Returns the first problem (is_request_option_error), with `culprit` set to the offending
// target, host, subprotocol, extension or header name (a header's value is never copied: it may
// be a secret). client_handshake runs this too, so every face gets the same rules.
errc check_client_request(client_handshake_options& options, std::string* culprit = nullptr);
// The target check and encoding alone; `out` may be `target`, and is left as it was on failure.
errc encode_request_target(std::string_view target, std::string& out);
// Host, Upgrade, Connection, Sec-WebSocket-Key, -Version, -Accept, -Protocol and -Extensions: the
// handshake writes or checks these itself (subprotocols and extensions have their own options).
bool is_reserved_request_header(std::string_view name) noexcept;

struct negotiated {
  std::string subprotocol;              // empty: none
  std::vector<std::string> extensions;  // accepted elements, parameters included
  std::optional<deflate_agreement> deflate;  // the server accepted our permessage-deflate offer
};

class client_handshake {
 public:
  explicit client_handshake(client_handshake_options options,
                            const random_source& random = openssl_random());

  // The options go through check_client_request first. If they fail it, the handshake is done
  // at once with that error, and request() and request_headers() are empty: send nothing.
  const std::string& key() const noexcept { return key_; }
  // The headers of the upgrade request, Host first, then the extra headers.
  header_list request_headers() const;
  // The whole request head, ready to write.
  std::string request() const;

  // Feeds response bytes; returns how many belong to the response head (the rest are frames).
  std::size_t feed(std::span<const std::byte> data);
  std::size_t feed(std::string_view data) {
    return feed(std::span{reinterpret_cast<const std::byte*>(data.data()), data.size()});
  }
  bool done() const noexcept { return done_; }
  errc error() const noexcept { return error_; }
  const negotiated& result() const noexcept { return result_; }
  const http_head& response() const noexcept { return parser_.head(); }

  // Checks a response given as status and headers (what feed() does once the head is complete).
  errc check_response(int status, const header_list& headers, negotiated& out) const;

 private:
  client_handshake_options options_;
  std::string key_;
  std::string expected_accept_;
  http_parser parser_;
  bool done_ = false;
  errc error_ = errc::ok;
  negotiated result_;
};

// ---------------------------------------------------------------- server

struct upgrade_request {
  std::string target;
  std::string host;
  std::string origin;                     // empty when absent
  std::string key;
  std::vector<std::string> subprotocols;  // offered, in the client's order
  std::vector<std::string> extensions;    // offered elements, parameters included
  header_list headers;                    // everything the client sent
};

// Checks a request's headers alone (websocket.h passes no request line): Host, Upgrade, Connection,
// Sec-WebSocket-Version 13 and a key of 16 bytes.
errc check_upgrade_headers(const header_list& headers, upgrade_request& out);
// The whole request: GET, HTTP/1.1 or later, then the headers.
errc check_upgrade_request(const http_head& request, upgrade_request& out);

struct server_response {
  std::string subprotocol;              // must be one the client offered; empty: none
  std::vector<std::string> extensions;  // accepted elements
  std::optional<deflate_agreement> deflate;  // set by server_handshake when it accepted an offer
  header_list extra_headers;
};

// The 101 response headers: Upgrade, Connection, Sec-WebSocket-Accept, then Protocol/Extensions.
header_list accept_headers(const upgrade_request& request, const server_response& response);
// The whole 101 head.
std::string accept_response(const upgrade_request& request, const server_response& response);
// HTTP status that refuses a request failing with `e`: 426 (with Sec-WebSocket-Version: 13) for a
// wrong version, 431 for oversized heads, 405 for a non-GET method, 400 otherwise.
int rejection_status(errc e) noexcept;
// The whole refusal head plus a one-line text body naming the problem.
std::string reject_response(int status, std::string_view body = {},
                            const header_list& extra_headers = {});

struct server_handshake_options {
  http_limits limits;
  // Picks one of request.subprotocols, or "" for none. Default: none.
  std::function<std::string(const upgrade_request&)> select_subprotocol;
  // Picks accepted extension elements. Default: none.
  std::function<std::vector<std::string>(const upgrade_request&)> select_extensions;
  // permessage-deflate (RFC 7692): when enabled, the first offer these options can honour is
  // accepted (its answer follows select_extensions' elements; server_response::deflate has it).
  deflate_options deflate;
  // Last word on the upgrade: return 0 to accept (adding headers to `response` if wanted), or an
  // HTTP status (401, 403...) to refuse it.
  std::function<int(const upgrade_request&, server_response& response)> decide;
};

class server_handshake {
 public:
  explicit server_handshake(server_handshake_options options = {});

  // Feeds request bytes; returns how many belong to the request head (the rest are frames).
  std::size_t feed(std::span<const std::byte> data);
  std::size_t feed(std::string_view data) {
    return feed(std::span{reinterpret_cast<const std::byte*>(data.data()), data.size()});
  }
  // Decides on a request head that an HTTP front already parsed (instead of feed()).
  void decide(const http_head& request);
  bool done() const noexcept { return done_; }
  // True if the head was a valid upgrade that was accepted; response() is then the 101.
  bool accepted() const noexcept { return done_ && error_ == errc::ok && status_ == 101; }
  errc error() const noexcept { return error_; }
  int status() const noexcept { return status_; }
  // The bytes to write back once done(): a 101, or a refusal to send before closing.
  const std::string& response() const noexcept { return response_; }
  const upgrade_request& request() const noexcept { return request_; }
  const http_head& head() const noexcept { return parser_.head(); }
  const server_response& chosen() const noexcept { return chosen_; }

 private:
  void finish(const http_head& request);

  server_handshake_options options_;
  http_parser parser_;
  bool done_ = false;
  errc error_ = errc::ok;
  int status_ = 0;
  std::string response_;
  upgrade_request request_;
  server_response chosen_;
};

}  // namespace websock::core
