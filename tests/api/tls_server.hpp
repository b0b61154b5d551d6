// A wss:// echo server on 127.0.0.1 with a certificate made at test time (by default the
// self-signed RSA one of test_cert.hpp); the certificate's directory goes with it.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "recorder.hpp"
#include "test_cert.hpp"
#include "websock/websock.hpp"

namespace websock::test {

struct tls_server {
  // `profile` may change the TLS settings before the server starts.
  using profile_fn = std::function<void(tls_server_options&)>;
  explicit tls_server(const profile_fn& profile = {}) : tls_server(make_test_cert(), profile) {}
  explicit tls_server(test_cert c, const profile_fn& profile = {}) : cert(std::move(c)) {
    tls_server_options t{cert.cert_file, cert.key_file};
    if (profile) profile(t);
    srv = std::make_unique<server>(server_options{.threads = 1, .tls = t});
    srv->route("/echo", {.callbacks = server_side.make(true)});
    srv->listen("127.0.0.1", 0);
    srv->start();
  }
  ~tls_server() {
    srv.reset();
    std::filesystem::remove_all(cert.dir);
  }
  std::string url(const std::string& host = "127.0.0.1") const {
    return "wss://" + host + ":" + std::to_string(srv->port()) + "/echo";
  }
  test_cert cert;
  recorder server_side;
  std::unique_ptr<server> srv;
};

}  // namespace websock::test
