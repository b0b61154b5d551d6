// `websock bench`: a load generator for any echo server. A few threads (default one), each an event
// loop over its share of the connections (bench_load.cpp); this file parses the URL, opens
// everything before the clock starts, prints progress once a second and the result at the end.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <latch>
#include <random>
#include <sstream>
#include <thread>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include "bench_load.hpp"
#include "bench_report.hpp"
#include "commands.hpp"
#include "websock/core/handshake.hpp"

namespace cli {
namespace {

// ws[s]://host[:port][/path], tcp://host:port, tls://host:port or host:port; [v6]:port.
bool parse_target(const std::string& text, bool raw, load_spec& out, std::string& why) {
  std::string rest = text;
  std::uint16_t default_port = 0;
  if (rest.rfind("ws://", 0) == 0) {
    rest.erase(0, 5);
    default_port = 80;
  } else if (rest.rfind("wss://", 0) == 0) {
    rest.erase(0, 6);
    default_port = 443;
    out.tls = true;
  } else if (rest.rfind("tcp://", 0) == 0) {
    rest.erase(0, 6);
  } else if (rest.rfind("tls://", 0) == 0) {
    rest.erase(0, 6);
    out.tls = true;
  } else if (rest.find("://") != std::string::npos) {
    why = "expected ws://, wss://, tcp://, tls:// or host:port";
    return false;
  } else if (!raw) {
    why = "WebSocket mode needs a ws:// or wss:// URL (or use --raw)";
    return false;
  }
  const auto slash = rest.find('/');
  out.target = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string authority = rest.substr(0, slash);
  out.host_header = authority;
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) return why = "unclosed [", false;
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    const auto colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return why = "no host", false;
  if (port.empty()) {
    if (default_port == 0) return why = "no port", false;
    out.port = default_port;
    return true;
  }
  char* end = nullptr;
  const unsigned long p = std::strtoul(port.c_str(), &end, 10);
  if (*end != '\0' || p == 0 || p > 65535) return why = "bad port " + port, false;
  out.port = static_cast<std::uint16_t>(p);
  return true;
}

// User + system CPU seconds of a process (/proc/PID/stat fields 14 and 15); <0 if unreadable.
double process_cpu_seconds(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream in(stat.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// JSON-like text, as chat and telemetry send: the same keys over and over, values that change.
std::vector<std::byte> json_pattern(std::size_t length) {
  static const char* const names[] = {"ada", "grace", "linus", "ken", "barbara", "edsger", "donald", "margaret"};
  std::mt19937_64 gen(20240601);
  std::string s;
  while (s.size() < length) {
    s += "{\"seq\":" + std::to_string(gen() % 100000) + ",\"user\":\"" + names[gen() % 8] + "\",\"temp\":" +
         std::to_string(gen() % 40) + "." + std::to_string(gen() % 10) + ",\"ok\":" + (gen() % 4 ? "true" : "false") +
         ",\"tags\":[\"t" + std::to_string(gen() % 20) + "\"]},";
  }
  s.resize(length);
  std::vector<std::byte> out(length);
  std::memcpy(out.data(), s.data(), length);
  return out;
}

double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  const auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

}  // namespace

int bench(const bench_args& a) {
  load_spec spec;
  std::string why;
  if (!parse_target(a.url, a.raw, spec, why)) {
    std::fprintf(stderr, "websock bench: %s: %s\n", a.url.c_str(), why.c_str());
    return 2;
  }
  // The core's check of what the upgrade request may carry (issue 9 defect 6), once up front
  // rather than by every connection; it also percent-encodes the target.
  websock::core::client_handshake_options request{.host = spec.host_header, .target = spec.target};
  if (!a.raw) {
    if (const auto e = websock::core::check_client_request(request); e != websock::core::errc::ok) {
      std::fprintf(stderr, "websock bench: %s\n", websock::core::make_error_code(e).message().c_str());
      return 2;
    }
    spec.target = request.target;
  }
  spec.raw = a.raw;
  if (!a.ca_file.empty() && !spec.tls) {
    std::fprintf(stderr, "websock bench: --ca needs a wss:// or tls:// URL\n");
    return 2;
  }
  spec.ca_file = a.ca_file;
  spec.size = a.size;
  spec.inflight = a.inflight;
  if (a.raw && a.size == 0) {
    std::fprintf(stderr, "websock bench: --raw needs --size of at least 1\n");
    return 2;
  }
  if (a.raw && a.deflate) {
    std::fprintf(stderr, "websock bench: --deflate needs WebSocket, not --raw\n");
    return 2;
  }
  spec.deflate = a.deflate;
  spec.text = a.payload == "json";
  std::vector<std::byte> pattern;
  if (spec.text) {
    // Long enough that a 32 KiB window holds at most half of it, walked with a large stride.
    pattern = json_pattern(std::max<std::size_t>(a.size * 17, 64u << 10) + a.size);
    spec.stride = 40503;
  } else if (a.deflate && a.size != 0) {
    // Slices side by side that come round again only after 64 KiB (twice the largest window).
    spec.stride = a.size;
    pattern.resize(a.size * (1 + std::max<std::size_t>(2, ((64u << 10) + a.size - 1) / a.size)));
  } else {
    pattern.resize(a.size + 256);
  }
  if (!spec.text) {
    std::mt19937_64 gen(20240601);
    for (auto& b : pattern) b = static_cast<std::byte>(gen());
  }
  spec.pattern = pattern;

  const std::size_t threads = std::max<std::size_t>(1, std::min(a.threads, a.connections));
  std::vector<std::unique_ptr<load_worker>> workers;
  for (std::size_t t = 0, first = 0; t < threads; ++t) {
    const std::size_t n = a.connections / threads + (t < a.connections % threads ? 1 : 0);
    workers.push_back(std::make_unique<load_worker>(spec, n, first));
    first += n;
  }

  std::latch opened(static_cast<std::ptrdiff_t>(threads));
  std::latch go(1);
  std::vector<std::size_t> open_counts(threads);
  std::chrono::steady_clock::time_point until;
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      open_counts[t] = workers[t]->open();
      opened.count_down();
      go.wait();
      workers[t]->run(until, std::chrono::duration<double>(a.hold));
    });
  }
  opened.wait();
  std::size_t open = 0;
  for (auto n : open_counts) open += n;
  const double cpu0 = a.pid > 0 ? process_cpu_seconds(a.pid) : -1;
  const double own0 = own_cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  until = start + std::chrono::milliseconds(static_cast<long long>(a.duration * 1000));
  if (open < a.connections) until = start;  // report the failure at once
  go.count_down();

  std::uint64_t last = 0;
  for (int second = 1; std::chrono::steady_clock::now() + std::chrono::seconds(1) <= until + std::chrono::milliseconds(200); ++second) {
    std::this_thread::sleep_until(start + std::chrono::seconds(second));
    std::uint64_t now = 0;
    for (auto& w : workers) now += w->progress();
    std::fprintf(stderr, "websock bench: %3d s  %12llu messages  %10llu msgs/s\n", second,
                 static_cast<unsigned long long>(now), static_cast<unsigned long long>(now - last));
    last = now;
  }
  for (auto& th : pool) th.join();

  bench_summary s;
  s.url = a.url;
  s.raw = a.raw;
  s.connections = a.connections;
  s.open = open;
  s.size = a.size;
  s.inflight = a.inflight;
  s.deflate = a.deflate;
  s.payload = a.payload;
  s.threads = threads;
  s.seconds = std::chrono::duration<double>(until - start).count();
  for (auto& w : workers) {
    const auto& r = w->result();
    s.total.messages += r.messages;
    s.total.bytes += r.bytes;
    s.total.wire_bytes += r.wire_bytes;
    s.total.mismatches += r.mismatches;
    s.total.errors += r.errors;
    s.total.latency.merge(r.latency);
    if (s.total.first_error.empty()) s.total.first_error = r.first_error;
  }
  s.client_cpu_seconds = own_cpu_seconds() - own0;
  if (a.pid > 0 && cpu0 >= 0) s.server_cpu_seconds = process_cpu_seconds(a.pid) - cpu0;
  if (a.json) {
    print_json(s);
  } else {
    print_table(s);
  }
  if (s.total.mismatches != 0) {
    std::fprintf(stderr, "websock bench: FAILED: %llu echoes differed from what was sent\n",
                 static_cast<unsigned long long>(s.total.mismatches));
    return 1;
  }
  if (open < a.connections || s.total.errors != 0 || (a.inflight != 0 && s.total.messages == 0)) {
    std::fprintf(stderr, "websock bench: FAILED: %s\n",
                 s.total.first_error.empty() ? "no echo received" : s.total.first_error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace cli
