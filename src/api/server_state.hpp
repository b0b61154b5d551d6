// The server's shared state: routes, plain-HTTP handlers, listeners, worker loops and the set of
// live sessions (for graceful shutdown). Sessions hold it by shared_ptr; it holds them weakly.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "channel/message_budget.hpp"
#include "http/front.hpp"
#include "net/listener.hpp"
#include "net/workers.hpp"
#include "websock/server.hpp"

namespace websock::detail {

class session;

struct route_entry {
  websock::route r;
};

// The server's answers to its HTTP fronts: plain requests and upgrades (server_http.cpp).
std::shared_ptr<http::front_owner> make_http_owner(const std::shared_ptr<server::state>& st);

}  // namespace websock::detail

namespace websock {

struct server::state {
  explicit state(server_options o);

  std::shared_ptr<const detail::route_entry> find_route(std::string_view path) const;
  void log(log_level level, const std::string& text) const {
    if (options.logger) options.logger(level, text);
  }
  void add(const std::shared_ptr<detail::session>& s);
  void remove(std::uint64_t id);
  void add_front(const std::shared_ptr<http::front>& f);
  void remove_front(std::uint64_t id);

  server_options options;
  std::unordered_map<std::string, std::shared_ptr<const detail::route_entry>> routes;
  std::function<std::optional<http_response>(const http_request&)> http_handler;
  std::unique_ptr<net::workers> pool;
  std::vector<std::shared_ptr<net::listener>> listeners;
  std::shared_ptr<asio::ssl::context> tls;
  std::shared_ptr<runtime::message_budget> message_budget;
  std::shared_ptr<net::admission> tls_admission;  // null: no TLS, or options.max_tls_handshakes == 0  // null: options.max_message_memory == 0

  std::mutex stop_mu;
  mutable std::mutex mu;
  std::condition_variable cv;  // signalled when sessions and fronts empty or stop() is called
  std::unordered_map<std::uint64_t, std::weak_ptr<detail::session>> sessions;
  std::unordered_map<std::uint64_t, std::weak_ptr<http::front>> fronts;  // connections before an upgrade
  std::shared_ptr<http::front_owner> http_owner;  // answers the fronts' requests (server_http.cpp)
  bool started = false;
  bool stopping = false;
  bool stopped = false;
};

}  // namespace websock
