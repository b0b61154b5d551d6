// Uses the installed headers and library; exits 0 if the RFC 6455 1.3 example key matches.
#include <websock/core/handshake.hpp>

int main() {
  return websock::core::compute_accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
             ? 0
             : 1;
}
