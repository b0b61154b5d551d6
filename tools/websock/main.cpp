#include <cstdio>
#include <cstring>

#include "self_check.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "self-check") != 0) {
    std::fprintf(stderr, "usage: websock [self-check]\n");
    return 2;
  }
  return run_self_check();
}
