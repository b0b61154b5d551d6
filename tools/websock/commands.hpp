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
};
int connect(const connect_args& a);

}  // namespace cli
