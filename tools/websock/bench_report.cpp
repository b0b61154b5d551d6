// Formatting of `websock bench` results.
#include "bench_report.hpp"

#include <cstdio>

namespace cli {
namespace {

double per_second(std::uint64_t n, double seconds) { return seconds > 0 ? static_cast<double>(n) / seconds : 0; }
double us(std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; }

double cpu_us_per_message(double cpu_seconds, const bench_summary& s) {
  if (cpu_seconds < 0 || s.total.messages == 0) return -1;
  return cpu_seconds * 1e6 / static_cast<double>(s.total.messages);
}

}  // namespace

void print_table(const bench_summary& s) {
  const auto& t = s.total;
  std::printf("websock bench %s%s: %zu connections (%zu open), %zu B %s messages%s, %zu in flight each, %.1f s, %zu thread%s\n",
              s.url.c_str(), s.raw ? " (raw TCP)" : "", s.connections, s.open, s.size, s.payload.c_str(),
              s.deflate ? " (permessage-deflate)" : "", s.inflight, s.seconds, s.threads, s.threads == 1 ? "" : "s");
  std::printf("%12s %12s %10s %10s %10s %10s %10s %10s %7s\n", "messages", "msgs/s", "MB/s", "p50 us", "p99 us",
              "p99.9 us", "max us", "mismatch", "errors");
  std::printf("%12llu %12.0f %10.2f %10.1f %10.1f %10.1f %10.1f %10llu %7llu\n",
              static_cast<unsigned long long>(t.messages), per_second(t.messages, s.seconds),
              per_second(t.bytes, s.seconds) / 1e6, us(t.latency.quantile(0.5)), us(t.latency.quantile(0.99)),
              us(t.latency.quantile(0.999)), us(t.latency.max()), static_cast<unsigned long long>(t.mismatches),
              static_cast<unsigned long long>(t.errors));
  if (const double cpu = cpu_us_per_message(s.server_cpu_seconds, s); cpu >= 0) {
    std::printf("server CPU: %.3f s, %.3f us per message, %.0f%% of a core\n", s.server_cpu_seconds, cpu,
                100.0 * s.server_cpu_seconds / s.seconds);
  }
  if (const double cpu = cpu_us_per_message(s.client_cpu_seconds, s); cpu >= 0) {
    std::printf("bench CPU:  %.3f s, %.3f us per message, %.0f%% of a core\n", s.client_cpu_seconds, cpu,
                100.0 * s.client_cpu_seconds / s.seconds);
  }
  if (t.bytes != 0) {
    std::printf("on the wire: %.3f bytes read per payload byte\n", static_cast<double>(t.wire_bytes) / static_cast<double>(t.bytes));
  }
  if (!t.first_error.empty()) std::printf("first error: %s\n", t.first_error.c_str());
}

void print_json(const bench_summary& s) {
  const auto& t = s.total;
  std::string err;
  for (char c : t.first_error) {
    if (c == '"' || c == '\\') err += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) err += c;
  }
  std::string url;
  for (char c : s.url) {
    if (c == '"' || c == '\\') url += '\\';
    url += c;
  }
  std::printf(
      "{\"url\":\"%s\",\"raw\":%s,\"deflate\":%s,\"payload\":\"%s\",\"wire_bytes\":%llu,\"connections\":%zu,\"open\":%zu,\"size\":%zu,\"inflight\":%zu,\"threads\":%zu,"
      "\"seconds\":%.3f,\"messages\":%llu,\"msgs_per_s\":%.1f,\"mb_per_s\":%.3f,"
      "\"latency_us\":{\"p50\":%.1f,\"p99\":%.1f,\"p999\":%.1f,\"max\":%.1f},"
      "\"mismatches\":%llu,\"errors\":%llu,\"server_cpu_s\":%.3f,\"server_cpu_us_per_msg\":%.4f,"
      "\"bench_cpu_s\":%.3f,\"bench_cpu_us_per_msg\":%.4f,\"first_error\":\"%s\"}\n",
      url.c_str(), s.raw ? "true" : "false", s.deflate ? "true" : "false", s.payload.c_str(),
      static_cast<unsigned long long>(t.wire_bytes), s.connections, s.open, s.size, s.inflight, s.threads, s.seconds,
      static_cast<unsigned long long>(t.messages), per_second(t.messages, s.seconds),
      per_second(t.bytes, s.seconds) / 1e6, us(t.latency.quantile(0.5)), us(t.latency.quantile(0.99)),
      us(t.latency.quantile(0.999)), us(t.latency.max()), static_cast<unsigned long long>(t.mismatches),
      static_cast<unsigned long long>(t.errors), s.server_cpu_seconds, cpu_us_per_message(s.server_cpu_seconds, s),
      s.client_cpu_seconds, cpu_us_per_message(s.client_cpu_seconds, s), err.c_str());
}

}  // namespace cli
