// websock iis: hosts native IIS modules (shared objects exporting RegisterModule) on one port.
#include <pthread.h>

#include <csignal>
#include <cstdio>

#include "commands.hpp"
#include "log.hpp"
#include "websock/iis/host.hpp"

namespace cli {

int iis(const iis_args& a) {
  if (a.modules.empty()) {
    std::fprintf(stderr, "websock iis: give at least one --module\n");
    return 2;
  }
  if (a.tls_cert.empty() != a.tls_key.empty()) {
    std::fprintf(stderr, "websock iis: --tls-cert and --tls-key go together\n");
    return 2;
  }
  websock::iis::host_options o;
  o.host = a.host;
  o.port = a.port;
  o.tls_cert_file = a.tls_cert;
  o.tls_key_file = a.tls_key;
  o.ping_interval = std::chrono::milliseconds(static_cast<long long>(a.ping_interval * 1000));
  o.receive_buffer_limit = a.receive_buffer_limit;
  o.log = [](std::string_view line) { log(websock::log_level::info, line); };
  // Signals are taken by sigwait below; block them before any thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  websock::iis::host h(o);
  try {
    for (const auto& m : a.modules) h.load_module(m);
    h.start();
  } catch (const websock::iis::host_error& e) {
    std::fprintf(stderr, "websock iis: %s\n", e.what());
    return 1;
  }
  const bool v6 = a.host.find(':') != std::string::npos;
  const std::string authority = (v6 ? "[" + a.host + "]" : a.host) + ":" + std::to_string(h.port());
  std::printf("websock iis: serving http%s://%s/ (%zu module%s)\n", a.tls_cert.empty() ? "" : "s", authority.c_str(),
              a.modules.size(), a.modules.size() == 1 ? "" : "s");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  h.stop();
  return 0;
}

}  // namespace cli
