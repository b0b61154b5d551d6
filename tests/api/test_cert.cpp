#include "test_cert.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

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

template <class T, void (*Free)(T*)>
using owned = std::unique_ptr<T, decltype([](T* p) { Free(p); })>;

// Reads the first PEM object of `path` with `reader`.
template <class T>
T* read_pem(const std::string& path, T* (*reader)(FILE*, T**, pem_password_cb*, void*)) {
  FILE* f = std::fopen(path.c_str(), "r");
  require(f != nullptr, "cannot open issuer file");
  T* out = reader(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  require(out != nullptr, "cannot read issuer PEM");
  return out;
}

}  // namespace

test_cert make_test_cert(const cert_spec& spec) {
  char tmpl[] = "/tmp/websock-cert-XXXXXX";
  require(::mkdtemp(tmpl) != nullptr, "mkdtemp");
  test_cert out{tmpl, std::string(tmpl) + "/cert.pem", std::string(tmpl) + "/key.pem"};

  owned<EVP_PKEY, EVP_PKEY_free> key(EVP_RSA_gen(2048));
  require(key != nullptr, "key generation");
  owned<X509, X509_free> x(X509_new());
  require(x != nullptr, "X509_new");
  // The issuer's certificate and key, or this certificate's own for a self-signed one.
  owned<X509, X509_free> issuer_cert;
  owned<EVP_PKEY, EVP_PKEY_free> issuer_key;
  if (spec.issuer != nullptr) {
    issuer_cert.reset(read_pem(spec.issuer->cert_file, PEM_read_X509));
    issuer_key.reset(read_pem(spec.issuer->key_file, PEM_read_PrivateKey));
  }
  X509* signer_cert = issuer_cert ? issuer_cert.get() : x.get();
  EVP_PKEY* signer_key = issuer_key ? issuer_key.get() : key.get();

  X509_set_version(x.get(), 2);
  // Distinct serials, so a CA and the certificates it issues never share issuer and serial.
  static int serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(x.get()), spec.valid_from);
  X509_gmtime_adj(X509_getm_notAfter(x.get()), spec.valid_until);
  X509_set_pubkey(x.get(), key.get());
  X509_NAME* name = X509_get_subject_name(x.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1, -1, 0);
  X509_set_issuer_name(x.get(), X509_get_subject_name(signer_cert));
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer_cert, x.get(), nullptr, nullptr, 0);
  std::vector<std::pair<int, const char*>> extensions{{NID_subject_alt_name, spec.subject_alt_names.c_str()},
                                                      {NID_basic_constraints, spec.is_ca ? "critical,CA:TRUE" : "CA:FALSE"}};
  if (!spec.extended_key_usage.empty()) extensions.emplace_back(NID_ext_key_usage, spec.extended_key_usage.c_str());
  for (const auto& [nid, value] : extensions) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    require(ext != nullptr, "extension");
    X509_add_ext(x.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  require(X509_sign(x.get(), signer_key, EVP_sha256()) > 0, "sign");
  write_pem(out.cert_file, [&](FILE* f) { return PEM_write_X509(f, x.get()); });
  write_pem(out.key_file, [&](FILE* f) { return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr); });
  return out;
}

}  // namespace websock::test
