// The result of `websock bench`: a table for people, one JSON object for scripts.
#pragma once

#include <cstddef>
#include <string>

#include "bench_load.hpp"

namespace cli {

struct bench_summary {
  std::string url;
  bool raw = false;
  std::size_t connections = 0;  // asked for
  std::size_t open = 0;         // opened
  std::size_t size = 0;
  std::size_t inflight = 0;
  bool deflate = false;
  std::string payload;          // random | json
  std::size_t threads = 0;
  double seconds = 0;           // measured time
  load_result total;            // all workers merged
  double client_cpu_seconds = 0;   // this process's user+system CPU over the run
  double server_cpu_seconds = -1;  // --pid: the server's user+system CPU over the run; <0: not measured
};

void print_table(const bench_summary& s);
void print_json(const bench_summary& s);

}  // namespace cli
