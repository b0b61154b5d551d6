// Per-connection limits and timers shared by the server and the client.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace websock {

using namespace std::chrono_literals;

// What a send does when it would take the connection's buffered bytes over the limit.
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
};

// Certificates and keys are PEM files.
struct tls_server_options {
  std::string cert_file;       // certificate chain, leaf first
  std::string key_file;
  std::string client_ca_file;  // set: ask clients for a certificate signed by these CAs
  bool require_client_cert = false;
};

struct tls_client_options {
  bool verify = true;          // check the chain and that it names the host (on by default)
  std::string ca_file;         // trust these CAs instead of the system's
  std::string cert_file;       // optional client certificate
  std::string key_file;
  std::string server_name;     // SNI and verification name; default: the URL's host
};

}  // namespace websock
