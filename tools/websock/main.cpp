// websock serve | connect | bench | iis | self-check
#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "log.hpp"
#include "self_check.hpp"

int main(int argc, char** argv) {
  CLI::App app{"websock: a WebSocket (RFC 6455) server, client and load generator"};
  app.require_subcommand(1);

  cli::serve_args serve;
  bool quiet = false;
  bool verbose = false;
  auto* s = app.add_subcommand("serve", "Serve /echo, a /chat room and a demo page at /");
  s->add_option("--port,-p", serve.port, "TCP port (0: any free one)")->capture_default_str();
  s->add_option("--host", serve.host, "Address to bind: 127.0.0.1, ::1, 0.0.0.0, ::")->capture_default_str();
  s->add_option("--unix", serve.unix_path, "Listen on this Unix-domain socket instead of TCP");
  auto* cert = s->add_option("--tls-cert", serve.tls_cert, "PEM certificate chain: serve wss:// and https://");
  auto* key = s->add_option("--tls-key", serve.tls_key, "PEM private key");
  cert->needs(key);
  key->needs(cert);
  s->add_option("--static", serve.static_dir, "Serve files from this directory")->check(CLI::ExistingDirectory);
  s->add_option("--threads", serve.threads, "Worker threads (0: one per core)")->capture_default_str();
  s->add_flag("--deflate", serve.deflate,
              "Accept permessage-deflate (off by default: compression beside attacker-chosen data leaks secrets, CRIME/BREACH)");
  s->add_flag("--deflate-no-context-takeover", serve.deflate_no_context_takeover,
              "With --deflate: both sides compress each message alone (less memory per idle connection, less compression)");
  s->add_option("--deflate-window-bits", serve.deflate_window_bits, "With --deflate: largest LZ77 window, 8..15 bits")
      ->capture_default_str()
      ->check(CLI::Range(8, 15));
  s->add_option("--deflate-memory-level", serve.deflate_memory_level, "With --deflate: zlib memLevel, 1..9")
      ->capture_default_str()
      ->check(CLI::Range(1, 9));
  s->add_option("--deflate-min-size", serve.deflate_min_size,
                "With --deflate: send messages shorter than this many bytes uncompressed")
      ->capture_default_str();
  s->add_flag("-q,--quiet", quiet, "Errors only: no connection, request or warning lines");
  s->add_flag("-v,--verbose", verbose, "Also log every message");
  s->footer(
      "Log (stderr): one line per connection opened and closed and per HTTP request (info), slow chat members\n"
      "closed with 1008 (warn, once per connection). Peer bytes are escaped and cut at 128 bytes; repeated\n"
      "warnings of a connection are counted ('... and N more'). -q: errors only. -v: also every message.");

  cli::connect_args conn;
  auto* c = app.add_subcommand("connect", "Interactive client: stdin lines are sent, messages are printed");
  c->add_option("url", conn.url, "ws:// or wss:// URL")->required();
  c->add_flag("--binary,-b", conn.binary, "Send lines as binary messages and print binary messages raw");
  c->add_option("--subprotocol,-s", conn.subprotocols, "Offer this subprotocol (repeatable)");
  c->add_option("-H,--header", conn.headers, "Extra header 'Name: value' (repeatable)");
  c->add_flag("--insecure,-k", conn.insecure, "Do not verify the server's certificate");
  c->add_option("--ca", conn.ca_file, "Trust the CAs in this PEM file");
  c->add_option("--ping-interval", conn.ping_interval, "Send keep-alive pings after this many idle seconds");
  c->add_option("--proxy", conn.proxy, "HTTP CONNECT proxy host:port");
  c->add_flag("--deflate", conn.deflate, "Offer permessage-deflate");

  cli::bench_args bench;
  auto* b = app.add_subcommand("bench", "Load generator for any echo server: pipelined, verified, timed");
  b->add_option("url", bench.url, "ws:// or wss://host:port/path (or tcp:// or tls://host:port with --raw)")->required();
  b->add_option("--connections,-c", bench.connections, "Connections")->capture_default_str()->check(CLI::PositiveNumber);
  b->add_option("--size,-s", bench.size, "Bytes per message")->capture_default_str();
  b->add_option("--duration,-d", bench.duration, "Seconds to run")->capture_default_str()->check(CLI::NonNegativeNumber);
  b->add_option("--inflight,-k", bench.inflight, "Messages in flight per connection (0: idle connections)")->capture_default_str();
  b->add_option("--threads,-t", bench.threads, "Event-loop threads")->capture_default_str()->check(CLI::PositiveNumber);
  b->add_flag("--json", bench.json, "Print one JSON object instead of the table");
  b->add_flag("--raw", bench.raw, "Plain TCP echo, no WebSocket");
  b->add_option("--ca", bench.ca_file, "wss://, tls://: trust the CAs in this PEM file (the server's certificate is always verified)");
  b->add_option("--pid", bench.pid, "Also report this server process's CPU time per message");
  b->add_flag("--deflate", bench.deflate, "Offer permessage-deflate; fail if the server declines it");
  b->add_option("--payload", bench.payload, "random (binary, incompressible) or json (text that compresses as JSON does)")
      ->capture_default_str()
      ->check(CLI::IsMember({"random", "json"}));
  b->add_option("--hold", bench.hold, "Seconds to stay connected and silent after the run (to read idle memory)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);

  cli::iis_args iis;
  auto* i = app.add_subcommand("iis", "Host native IIS WebSocket modules (shared objects exporting RegisterModule)");
  i->add_option("--module,-m", iis.modules, "Module to load (repeatable; called in load order within a priority)")
      ->required()->check(CLI::ExistingFile);
  i->add_option("--port,-p", iis.port, "TCP port (0: any free one)")->capture_default_str();
  i->add_option("--host", iis.host, "Address to bind")->capture_default_str();
  auto* icert = i->add_option("--tls-cert", iis.tls_cert, "PEM certificate chain: serve https:// and wss://");
  auto* ikey = i->add_option("--tls-key", iis.tls_key, "PEM private key");
  icert->needs(ikey);
  ikey->needs(icert);
  i->add_option("--ping-interval", iis.ping_interval, "Keep-alive after this many idle seconds (IIS pingInterval)");
  i->add_option("--receive-buffer-limit", iis.receive_buffer_limit, "Largest message a client may send, bytes")
      ->capture_default_str();

  auto* check = app.add_subcommand("self-check", "Run the protocol core through a handshake in memory");

  CLI11_PARSE(app, argc, argv);
  if (quiet) cli::log_threshold() = websock::log_level::error;  // quiet means quiet: no warnings either
  if (verbose) cli::log_threshold() = websock::log_level::debug;
  if (s->parsed()) return cli::serve(serve);
  if (c->parsed()) return cli::connect(conn);
  if (b->parsed()) return cli::bench(bench);
  if (i->parsed()) return cli::iis(iis);
  if (check->parsed()) return run_self_check();
  return 2;
}
