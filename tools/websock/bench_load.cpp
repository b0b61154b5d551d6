// The connections of `websock bench` on one Asio io_context. Per connection: one read always
// pending, at most one write in flight (everything queued meanwhile leaves in the next one), and a
// ring of send times, one slot per message in flight. Echoes must come back in order and equal to
// what was sent; anything else is a mismatch, reported at once on stderr. With TLS an Asio SSL
// stream sits on the socket: the server's certificate is verified (chain and host name or IP)
// against the system's store or --ca, before the WebSocket handshake (if any).
#define ASIO_STANDALONE
#define ASIO_NO_DEPRECATED
#include "bench_load.hpp"

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "websock/core/connection.hpp"
#include "websock/core/handshake.hpp"

namespace cli {
namespace {

using tcp = asio::ip::tcp;
namespace core = websock::core;

std::uint64_t now_ns() noexcept {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// Masking keys need not be secret from ourselves: a fast xorshift instead of a CSPRNG per frame.
void xorshift_fill(void* context, std::byte* out, std::size_t n) {
  auto& s = *static_cast<std::uint64_t*>(context);
  for (std::size_t i = 0; i < n; i += 8) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    std::memcpy(out + i, &s, std::min<std::size_t>(8, n - i));
  }
}

constexpr std::size_t read_buffer_size = 64 * 1024;
constexpr int max_reported_mismatches = 10;

}  // namespace

struct load_worker::impl {
  struct conn;

  impl(load_worker& o, const load_spec& s) : owner(o), spec(s) {}

  load_worker& owner;
  load_spec spec;
  asio::io_context ctx{1};
  std::optional<asio::ssl::context> tls_ctx;  // spec.tls: made by open()
  std::vector<std::unique_ptr<conn>> conns;
  std::size_t opened = 0;
  bool stopping = false;
  int reported = 0;
  load_result result;

  void error(std::size_t id, const std::string& what) {
    ++result.errors;
    if (result.first_error.empty()) result.first_error = "connection " + std::to_string(id) + ": " + what;
  }
};

struct load_worker::impl::conn {
  conn(impl& w, std::size_t i) : worker(w), id(i), sock(w.ctx), rng(0x9e3779b97f4a7c15ULL ^ (i + 1) * 0x2545f4914f6cdd1dULL) {
    read_buf.resize(read_buffer_size);
    sent_at.resize(std::max<std::size_t>(w.spec.inflight, 1));
  }

  impl& worker;
  std::size_t id;
  tcp::socket sock;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;  // spec.tls: over sock
  std::uint64_t rng;
  std::optional<core::connection> ws;  // empty in raw mode
  std::optional<core::client_handshake> hs;
  std::string request;
  std::vector<std::byte> read_buf;
  core::detail::byte_buffer out;    // raw mode outbox
  core::detail::byte_buffer spare;  // the bytes being written
  std::vector<std::uint64_t> sent_at;
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::size_t recv_off = 0;  // bytes of message `received` seen so far
  bool writing = false;
  bool dead = false;

  // ---- opening ----
  void open(const tcp::endpoint& ep) {
    sock.async_connect(ep, [this](std::error_code ec) {
      if (ec) return fail("connect: " + ec.message());
      sock.set_option(tcp::no_delay(true));
      if (!worker.spec.tls) return upgrade();
      tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(sock, *worker.tls_ctx);
      if (!verify_server(worker.spec.host)) return fail("TLS: cannot set up the host name check");
      tls->async_handshake(asio::ssl::stream_base::client, [this](std::error_code e) {
        if (e) return fail("TLS handshake: " + e.message());
        upgrade();
      });
    });
  }

  // The certificate must name the host (SNI too for a name) or the IP address we connect to.
  bool verify_server(const std::string& host) {
    SSL* ssl = tls->native_handle();
    std::error_code not_ip;
    const auto address = asio::ip::make_address(host, not_ip);
    if (not_ip && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) return false;
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    return (not_ip ? X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size())
                   : X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str())) == 1;
  }

  // One read or one whole write on the connection's stream, TLS or not.
  template <class Handler>
  void read_some(asio::mutable_buffer b, Handler&& h) {
    if (tls) {
      tls->async_read_some(b, std::forward<Handler>(h));
    } else {
      sock.async_read_some(b, std::forward<Handler>(h));
    }
  }
  template <class Handler>
  void write_all(asio::const_buffer b, Handler&& h) {
    if (tls) {
      asio::async_write(*tls, b, std::forward<Handler>(h));
    } else {
      asio::async_write(sock, b, std::forward<Handler>(h));
    }
  }

  void upgrade() {
    if (worker.spec.raw) return ready();
    hs.emplace(core::client_handshake_options{
        .host = worker.spec.host_header, .target = worker.spec.target, .deflate = deflate_offer()});
    request = hs->request();
    write_all(asio::buffer(request), [this](std::error_code e, std::size_t) {
      if (e) return fail("handshake write: " + e.message());
      read_handshake();
    });
  }

  void read_handshake() {
    read_some(asio::buffer(read_buf), [this](std::error_code ec, std::size_t n) {
      if (ec) return fail("handshake read: " + ec.message());
      const std::size_t head = hs->feed(std::span<const std::byte>(read_buf.data(), n));
      if (!hs->done()) return read_handshake();
      if (hs->error() != core::errc::ok) {
        return fail("handshake refused: HTTP " + std::to_string(hs->response().status) + " (" +
                    core::make_error_code(hs->error()).message() + ")");
      }
      if (head != n) return fail("server sent frames before any message");
      const auto& agreed = hs->result().deflate;
      if (worker.spec.deflate && !agreed) return fail("the server declined permessage-deflate");
      core::connection_options o;
      o.endpoint_role = core::role::client;
      o.assemble_messages = false;  // verify pieces as they arrive, no copy of large echoes
      o.validate_utf8 = false;      // the echo is compared byte for byte anyway
      o.random = core::random_source{xorshift_fill, &rng};
      if (agreed) o.deflate = core::session_for(deflate_offer(), *agreed);
      ws.emplace(o);
      hs.reset();
      ready();
    });
  }

  void ready() { ++worker.opened; }

  core::deflate_options deflate_offer() const { return {.enabled = worker.spec.deflate}; }

  void fail(const std::string& what) {
    if (dead) return;
    dead = true;
    if (!worker.stopping) worker.error(id, what);
    std::error_code ignored;
    sock.close(ignored);
  }

  // ---- the load ----
  void start(std::uint64_t t) {
    if (dead) return;
    for (std::size_t k = 0; k < worker.spec.inflight; ++k) send_one(t);
    flush();
    read();
  }

  void send_one(std::uint64_t t) {
    const auto& s = worker.spec;
    sent_at[sent % sent_at.size()] = t;
    const auto payload = s.pattern.subspan(s.offset(sent), s.size);
    ++sent;
    if (!ws) {
      out.append(payload.data(), payload.size());
    } else if (ws->send(s.text ? core::message_kind::text : core::message_kind::binary, payload) != core::errc::ok) {
      fail("send refused by the engine");
    }
  }

  void flush() {
    if (writing || dead) return;
    if (ws) {
      if (!ws->has_output()) return;
      spare.clear();
      ws->swap_output(spare);
    } else {
      if (out.empty()) return;
      std::swap(out, spare);
      out.clear();
    }
    writing = true;
    write_all(asio::buffer(spare.data(), spare.size()), [this](std::error_code ec, std::size_t) {
      writing = false;
      if (ec) return fail("write: " + ec.message());
      flush();
    });
  }

  void read() {
    read_some(asio::buffer(read_buf), [this](std::error_code ec, std::size_t n) {
      // A TLS peer that closes without close_notify: stream_truncated.
      if (ec) {
        const bool closed = ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
        return fail(closed ? std::string("closed by the server") : "read: " + ec.message());
      }
      if (dead) return;
      const std::uint64_t t = now_ns();
      worker.result.wire_bytes += n;
      std::span<std::byte> in(read_buf.data(), n);
      if (ws) {
        receive_frames(in, t);
      } else {
        receive_raw(in, t);
      }
      if (dead) return;
      flush();
      read();
    });
  }

  void receive_frames(std::span<std::byte> in, std::uint64_t t) {
    // Until the engine has nothing more: with deflate it may hold inflated bytes after taking all
    // of the input, and hands them out on the next call (the last piece of a message among them).
    while (!dead) {
      const auto r = ws->receive(in);
      in = in.subspan(r.consumed);
      switch (r.ev.type) {
        case core::event_type::none: return;
        case core::event_type::message: piece(r.ev.payload, r.ev.last, t); break;
        case core::event_type::ping:
        case core::event_type::pong: break;
        case core::event_type::close:
          return fail("server closed with " + std::to_string(r.ev.code));
        case core::event_type::error:
          return fail("protocol error: " + core::make_error_code(r.ev.error).message());
      }
    }
  }

  void receive_raw(std::span<const std::byte> in, std::uint64_t t) {
    const std::size_t size = worker.spec.size;
    while (!in.empty() && !dead) {
      const std::size_t take = std::min(in.size(), size - recv_off);
      piece(in.first(take), recv_off + take == size, t);
      in = in.subspan(take);
    }
  }

  void piece(std::span<const std::byte> data, bool last, std::uint64_t t) {
    const auto& s = worker.spec;
    const std::byte* expected = s.pattern.data() + s.offset(received) + recv_off;
    if (recv_off + data.size() > s.size || std::memcmp(data.data(), expected, data.size()) != 0 ||
        (last && recv_off + data.size() != s.size)) {
      return mismatch();
    }
    recv_off += data.size();
    if (!last) return;
    worker.result.latency.record(t - sent_at[received % sent_at.size()]);
    ++received;
    recv_off = 0;
    ++worker.result.messages;
    worker.result.bytes += s.size;
    if (!worker.stopping) send_one(t);
  }

  void mismatch() {
    ++worker.result.mismatches;
    if (worker.reported++ < max_reported_mismatches) {
      std::fprintf(stderr, "websock bench: MISMATCH: connection %zu, message %llu: echo differs from what was sent\n",
                   id, static_cast<unsigned long long>(received));
    }
    fail("echo mismatch");
  }
};

load_worker::load_worker(const load_spec& spec, std::size_t connections, std::size_t first_id)
    : impl_(std::make_unique<impl>(*this, spec)) {
  impl_->conns.reserve(connections);
  for (std::size_t i = 0; i < connections; ++i) impl_->conns.push_back(std::make_unique<impl::conn>(*impl_, first_id + i));
}

load_worker::~load_worker() = default;

std::size_t load_worker::open() {
  auto& w = *impl_;
  std::error_code ec;
  tcp::resolver resolver(w.ctx);
  const auto endpoints = resolver.resolve(w.spec.host, std::to_string(w.spec.port), ec);
  if (ec || endpoints.empty()) {
    w.error(0, "resolve " + w.spec.host + ": " + ec.message());
    return 0;
  }
  const tcp::endpoint ep = *endpoints.begin();
  if (w.spec.tls) {
    w.tls_ctx.emplace(asio::ssl::context::tls_client);
    if (w.spec.ca_file.empty()) {
      w.tls_ctx->set_default_verify_paths(ec);
    } else {
      w.tls_ctx->load_verify_file(w.spec.ca_file, ec);
    }
    if (!ec) w.tls_ctx->set_verify_mode(asio::ssl::verify_peer, ec);
    if (ec) {
      w.error(0, "TLS: cannot load " + (w.spec.ca_file.empty() ? std::string("the system's CAs") : w.spec.ca_file) +
                     ": " + ec.message());
      return 0;
    }
  }
  for (auto& c : w.conns) c->open(ep);
  w.ctx.run();
  w.ctx.restart();
  return w.opened;
}

void load_worker::run(std::chrono::steady_clock::time_point until, std::chrono::duration<double> hold) {
  auto& w = *impl_;
  const std::uint64_t t = now_ns();
  for (auto& c : w.conns) c->start(t);
  asio::steady_timer deadline(w.ctx, until);
  deadline.async_wait([&w](std::error_code) {
    w.stopping = true;
    w.ctx.stop();
  });
  // Publish progress every 100 ms for the reporting thread.
  asio::steady_timer tick(w.ctx);
  std::function<void(std::error_code)> publish = [&](std::error_code e) {
    if (e) return;
    progress_.store(w.result.messages, std::memory_order_relaxed);
    tick.expires_after(std::chrono::milliseconds(100));
    tick.async_wait(publish);
  };
  publish({});
  w.ctx.run();
  progress_.store(w.result.messages, std::memory_order_relaxed);
  if (hold.count() > 0) std::this_thread::sleep_for(hold);
  for (auto& c : w.conns) {
    std::error_code ignored;
    c->sock.close(ignored);
  }
}

const load_result& load_worker::result() const noexcept { return impl_->result; }

}  // namespace cli
