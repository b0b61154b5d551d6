// Per-connection limits and timers shared by the server and the client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "websock/core/permessage_deflate.hpp"

namespace websock {

using namespace std::chrono_literals;

// What a send does when the connection already buffers the limit (max_buffered_bytes).
enum class backpressure_policy : std::uint8_t {
  fail_send,         // the send returns errc::buffer_full; on_drain fires once the buffer empties
  close_connection,  // the connection is closed with 1008 (policy violation)
};

struct session_options {
  // Largest message accepted; larger ones close the connection with 1009.
  std::uint64_t max_message_size = 64u << 20;
  // Outgoing bytes (framing included) at which sends are refused. A send made below it is taken
  // whole, so a connection holds at most this plus one message. While the buffer is over half of
  // it the connection stops reading and delivering (between messages, not only between reads), so
  // a reply made in on_message (an echo) always finds room, and the peer is slowed by TCP.
  std::size_t max_buffered_bytes = 64u << 20;
  backpressure_policy on_buffer_full = backpressure_policy::fail_send;
  // Zero turns a timer off.
  std::chrono::milliseconds handshake_timeout = 10s;  // TCP + TLS + HTTP upgrade
  std::chrono::milliseconds idle_timeout = 0ms;       // nothing received for this long: close 1001
  std::chrono::milliseconds ping_interval = 0ms;      // silence this long: send a keep-alive ping
  std::chrono::milliseconds ping_timeout = 10s;       // no data after the ping: peer is dead (1006)
  std::chrono::milliseconds close_timeout = 5s;       // our close unanswered this long: drop (1006)
  // permessage-deflate (RFC 7692): a client offers it, a server accepts offers, when enabled.
  // Off by default, as in Node ws and uWebSockets: compressing secrets beside data an attacker
  // chooses lets the attacker read the secrets from the sizes (CRIME, BREACH). Turn it on where
  // messages do not mix the two. Levers: window bits, memory level, no context takeover (a
  // connection then keeps no compressor while idle), and min_compress_size. max_message_size
  // counts inflated bytes.
  core::deflate_options deflate;
};

// The lowest TLS version a server accepts. Nothing below 1.2 is offered (RFC 8996).
enum class tls_version : std::uint8_t { tls1_2, tls1_3 };

// The server's default TLS profile: Mozilla's "intermediate" configuration (version 5), without
// its DHE suites (ECDHE gives the same forward secrecy without DH parameters to manage). TLS 1.2
// suites all have an ephemeral key exchange (forward secrecy: no RSA key exchange) and an AEAD
// cipher (AES-GCM or ChaCha20-Poly1305: no CBC, whose MAC-then-encrypt gave Lucky Thirteen and
// POODLE-style padding oracles); the ECDSA suites apply to an ECDSA certificate, the RSA ones to
// an RSA certificate. TLS 1.3 has only AEAD suites with forward secrecy: all three are allowed.
// The client chooses among them (all are strong).
inline constexpr const char* tls_intermediate_cipher_list =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* tls_intermediate_ciphersuites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// Certificates and keys are PEM files. Renegotiation is always off.
struct tls_server_options {
  std::string cert_file;       // certificate chain, leaf first
  std::string key_file;
  std::string client_ca_file;  // set: ask clients for a certificate signed by these CAs
  bool require_client_cert = false;
  // TLS 1.2 suites, in OpenSSL's cipher-list syntax (`openssl ciphers`). It must name at least
  // one suite OpenSSL knows, else start() fails (also with min_version tls1_3, which uses none).
  std::string cipher_list = tls_intermediate_cipher_list;
  // TLS 1.3 suites, in OpenSSL's ciphersuites syntax; empty turns TLS 1.3 off (start() fails
  // if min_version is then tls1_3).
  std::string ciphersuites = tls_intermediate_ciphersuites;
  tls_version min_version = tls_version::tls1_2;
};

struct tls_client_options {
  bool verify = true;          // check the chain and that it names the host (on by default)
  std::string ca_file;         // trust these CAs instead of the system's
  std::string cert_file;       // optional client certificate
  std::string key_file;
  std::string server_name;     // SNI and verification name; default: the URL's host
};

}  // namespace websock
