// The subcommands of `websock`; each returns the process exit status.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cli {

struct serve_args {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string tls_cert;
  std::string tls_key;
  std::string static_dir;
  std::size_t threads = 0;
  std::string unix_path;
  bool deflate = false;  // accept permessage-deflate offers
  // Its levers (deflate_options): ask both sides to compress each message alone (an idle
  // connection then holds no zlib state), cap both windows, zlib's memLevel.
  bool deflate_no_context_takeover = false;
  int deflate_window_bits = 15;
  int deflate_memory_level = 8;
  std::size_t deflate_min_size = 0;  // shorter messages go out uncompressed
};
int serve(const serve_args& a);

struct connect_args {
  std::string url;
  bool binary = false;
  std::vector<std::string> subprotocols;
  std::vector<std::string> headers;  // "Name: value"
  bool insecure = false;
  std::string ca_file;
  double ping_interval = 0;  // seconds; 0: off
  std::string proxy;
  bool deflate = false;  // offer permessage-deflate
};
int connect(const connect_args& a);

struct iis_args {
  std::vector<std::string> modules;  // shared objects exporting RegisterModule, in load order
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  std::string tls_cert;
  std::string tls_key;
  double ping_interval = 0;  // seconds; 0: off (IIS <webSocket pingInterval>)
  std::uint64_t receive_buffer_limit = 4u << 20;  // IIS <webSocket receiveBufferLimit>
};
int iis(const iis_args& a);

struct bench_args {
  std::string url;
  std::size_t connections = 100;
  std::size_t size = 16;       // bytes per message
  double duration = 5;         // seconds
  std::size_t inflight = 16;   // messages in flight per connection; 0: hold the connections idle
  std::size_t threads = 1;     // event loops
  bool json = false;
  bool raw = false;            // plain TCP echo, no WebSocket
  std::string ca_file;         // wss://, tls://: trust the CAs in this PEM file (a test certificate)
  int pid = 0;                 // server process whose CPU time to report
  bool deflate = false;        // offer permessage-deflate; a server that declines it fails the run
  std::string payload = "random";  // random: incompressible binary; json: JSON-like text
  double hold = 0;             // seconds to stay connected, sending nothing, after the run (memory)
};
int bench(const bench_args& a);

}  // namespace cli
