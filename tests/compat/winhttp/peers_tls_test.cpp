// Self-test of TestCertificates (each certificate verifies, or fails, as its comment says, checked
// with OpenSSL's own verifier) and of py_peer.py --tls (wss:// with the server certificate, seen
// through a plain OpenSSL client that trusts only the test CA).
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "peer_process.hpp"
#include "raw_client.hpp"
#include "test_certificates.hpp"

namespace {

using test_support::client_frame;
using test_support::header_value;
using winhttp_test::PeerProcess;
using test_support::RawClient;
using test_support::sample_accept;
using winhttp_test::TestCertificates;
using test_support::upgrade_request;

template <auto release>
struct Releaser {
  template <typename T>
  void operator()(T* p) const { release(p); }
};
using X509Ptr = std::unique_ptr<X509, Releaser<X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Releaser<X509_STORE_free>>;
using StoreContextPtr = std::unique_ptr<X509_STORE_CTX, Releaser<X509_STORE_CTX_free>>;
using SslContextPtr = std::unique_ptr<SSL_CTX, Releaser<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Releaser<SSL_free>>;

X509Ptr load_certificate(const std::string& path) {
  struct Closer {
    void operator()(FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<FILE, Closer> file(std::fopen(path.c_str(), "r"));
  if (!file) throw std::runtime_error("cannot open " + path);
  X509Ptr certificate(PEM_read_X509(file.get(), nullptr, nullptr, nullptr));
  if (!certificate) throw std::runtime_error("no PEM certificate in " + path);
  return certificate;
}

// OpenSSL's verdict on `leaf` for a TLS server named `name` (an IP address or a DNS name; empty:
// no name check), trusting `ca` alone.
int verdict(const std::string& ca, const std::string& leaf, const std::string& name, bool is_ip) {
  const X509Ptr anchor = load_certificate(ca);
  const X509Ptr certificate = load_certificate(leaf);
  const StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), anchor.get());
  const StoreContextPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (!name.empty() && is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
  if (!name.empty() && !is_ip) X509_VERIFY_PARAM_set1_host(param, name.c_str(), name.size());
  return X509_verify_cert(context.get()) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context.get());
}

class TestCertificatesTest : public ::testing::Test {
 protected:
  TestCertificates certs;
};

TEST_F(TestCertificatesTest, ServerCertificateIsValidFor127001AndLocalhost) {
  EXPECT_EQ(verdict(certs.ca_cert, certs.server.cert, "127.0.0.1", true), X509_V_OK);
  EXPECT_EQ(verdict(certs.ca_cert, certs.server.cert, "localhost", false), X509_V_OK);
}

TEST_F(TestCertificatesTest, WrongNameCertificateChainsToTheCaButNamesNeither) {
  EXPECT_EQ(verdict(certs.ca_cert, certs.wrong_name.cert, "", false), X509_V_OK);
  EXPECT_EQ(verdict(certs.ca_cert, certs.wrong_name.cert, "127.0.0.1", true), X509_V_ERR_IP_ADDRESS_MISMATCH);
  EXPECT_EQ(verdict(certs.ca_cert, certs.wrong_name.cert, "localhost", false), X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_F(TestCertificatesTest, ExpiredCertificateHasExpired) {
  EXPECT_EQ(verdict(certs.ca_cert, certs.expired.cert, "127.0.0.1", true), X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_F(TestCertificatesTest, DestructorRemovesTheDirectory) {
  std::string directory;
  {
    TestCertificates scoped;
    directory = scoped.directory;
    EXPECT_TRUE(std::filesystem::exists(scoped.server.key));
  }
  EXPECT_FALSE(std::filesystem::exists(directory));
}

// A TLS client over a RawClient's socket that trusts only the test CA and checks for 127.0.0.1.
class TlsClient {
 public:
  TlsClient(std::uint16_t port, const std::string& ca) : socket_(port) {
    if (!context_ || SSL_CTX_load_verify_locations(context_.get(), ca.c_str(), nullptr) != 1)
      throw std::runtime_error("TLS client setup");
    SSL_CTX_set_verify(context_.get(), SSL_VERIFY_PEER, nullptr);
    ssl_.reset(SSL_new(context_.get()));
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), "127.0.0.1");
    SSL_set_fd(ssl_.get(), socket_.fd());
    if (SSL_connect(ssl_.get()) != 1)
      throw std::runtime_error("TLS handshake failed, verify result " + std::to_string(SSL_get_verify_result(ssl_.get())));
  }

  void send(const std::string& bytes) {
    if (SSL_write(ssl_.get(), bytes.data(), static_cast<int>(bytes.size())) != static_cast<int>(bytes.size()))
      throw std::runtime_error("SSL_write");
  }

  std::string read_exact(std::size_t n) {
    std::string bytes(n, '\0');
    for (std::size_t have = 0; have < n;) {
      const int got = SSL_read(ssl_.get(), bytes.data() + have, static_cast<int>(n - have));
      if (got <= 0) throw std::runtime_error("SSL_read ended");
      have += static_cast<std::size_t>(got);
    }
    return bytes;
  }

  std::string read_head() {
    std::string head;
    while (head.size() < 4 || head.compare(head.size() - 4, 4, "\r\n\r\n") != 0) head += read_exact(1);
    return head;
  }

 private:
  RawClient socket_;
  SslContextPtr context_{SSL_CTX_new(TLS_client_method())};
  SslPtr ssl_;
};

class PyPeerTls : public TestCertificatesTest {
 protected:
  PeerProcess peer{std::vector<std::string>{"--tls", certs.server.cert, certs.server.key}};
};

TEST_F(PyPeerTls, EchoWorksOverWssWithTheServerCertificate) {
  TlsClient client(peer.port(), certs.ca_cert);
  client.send(upgrade_request("/echo"));
  const std::string head = client.read_head();
  EXPECT_EQ(head.substr(0, head.find("\r\n")), "HTTP/1.1 101 Switching Protocols");
  EXPECT_EQ(header_value(head, "Sec-WebSocket-Accept"), sample_accept);
  client.send(client_frame(0x1, "over tls"));
  EXPECT_EQ(client.read_exact(10), std::string("\x81\x08", 2) + "over tls");
}

TEST_F(PyPeerTls, FaultPathsAreServedOverWssToo) {
  TlsClient client(peer.port(), certs.ca_cert);
  client.send(upgrade_request("/fault/404"));
  const std::string head = client.read_head();
  EXPECT_EQ(head.substr(0, head.find("\r\n")), "HTTP/1.1 404 Not Found");
}

}  // namespace
