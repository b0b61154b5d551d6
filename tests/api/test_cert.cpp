#include "test_cert.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace websock::test {
namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what);
}

void write_pem(const std::string& path, auto&& writer) {
  FILE* f = std::fopen(path.c_str(), "w");
  require(f != nullptr, "cannot open output file");
  const bool ok = writer(f) == 1;
  std::fclose(f);
  require(ok, "cannot write PEM");
}

}  // namespace

test_cert make_test_cert() {
  char tmpl[] = "/tmp/websock-cert-XXXXXX";
  require(::mkdtemp(tmpl) != nullptr, "mkdtemp");
  test_cert out{tmpl, std::string(tmpl) + "/cert.pem", std::string(tmpl) + "/key.pem"};

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  require(key != nullptr, "key generation");
  std::unique_ptr<X509, decltype(&X509_free)> x(X509_new(), X509_free);
  require(x != nullptr, "X509_new");
  X509_set_version(x.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), 24 * 3600);
  X509_set_pubkey(x.get(), key.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x.get(), x.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1"},
                                   std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    require(ext != nullptr, "extension");
    X509_add_ext(x.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  require(X509_sign(x.get(), key.get(), EVP_sha256()) > 0, "sign");
  write_pem(out.cert_file, [&](FILE* f) { return PEM_write_X509(f, x.get()); });
  write_pem(out.key_file, [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  return out;
}

}  // namespace websock::test
