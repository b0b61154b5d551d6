// TLS faults through the WinHTTP face (wss:// to py_peer.py --tls): a trusted server works; an
// unknown CA, a wrong name and an expired certificate each fail WinHttpSendRequest with
// ERROR_WINHTTP_SECURE_FAILURE, asynchronously with a SECURE_FAILURE callback carrying that
// problem's WINHTTP_CALLBACK_STATUS_FLAG_*, and each is accepted with its SECURITY_FLAG_IGNORE_*
// (WINHTTP_OPTION_SECURITY_FLAGS) but not with another one.
//
// Trust comes as it does for any OpenSSL program: SSL_CERT_FILE names the test CA. src/net reads
// it when it makes a client context (SSL_CTX_set_default_verify_paths, once per exchange), so the
// global environment sets it before any test runs, while the process has no other thread.
#include <windows.h>
#include <winhttp.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "fault_client.hpp"
#include "peers/peer_process.hpp"
#include "peers/test_certificates.hpp"
#include "winhttp_client.hpp"

using namespace winhttp_test;

namespace {

// Which certificate a TLS peer serves.
enum class served { trusted, wrong_name, expired, unknown_ca };

class tls_environment final : public ::testing::Environment {
 public:
  void SetUp() override {
    if (trusted_) return;  // once per process, whatever --gtest_repeat says
    trusted_ = std::make_unique<TestCertificates>();
    other_ = std::make_unique<TestCertificates>();  // a second CA, never trusted
    ::setenv("SSL_CERT_FILE", trusted_->ca_cert.c_str(), 1);
  }

  // A peer serving `what`, started on first use and kept for the program.
  INTERNET_PORT port(served what) {
    auto& peer = peers_[what];
    if (!peer) {
      const CertificateFiles& files = what == served::trusted      ? trusted_->server
                                      : what == served::wrong_name ? trusted_->wrong_name
                                      : what == served::expired    ? trusted_->expired
                                                                   : other_->server;
      peer = std::make_unique<PeerProcess>(std::vector<std::string>{"--tls", files.cert, files.key});
    }
    return static_cast<INTERNET_PORT>(peer->port());
  }

 private:
  std::unique_ptr<TestCertificates> trusted_;
  std::unique_ptr<TestCertificates> other_;
  std::map<served, std::unique_ptr<PeerProcess>> peers_;
};

tls_environment* const tls = static_cast<tls_environment*>(::testing::AddGlobalTestEnvironment(new tls_environment));

// wss:// on an asynchronous session if `async`, else on a synchronous one that still reports to
// `events` (request_options::sync_events: the test ends after the TLS connection is freed).
request_options wss(recorder& events, DWORD security_flags = 0, bool async = false) {
  request_options o;
  o.request_flags = WINHTTP_FLAG_SECURE;
  o.security_flags = security_flags;
  (async ? o.events : o.sync_events) = &events;
  return o;
}

// Upgrades over wss:// and echoes one message, synchronously or on an asynchronous session.
void expect_wss_echo(INTERNET_PORT port, DWORD security_flags, bool async) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_request(h, port, wss(events, security_flags, async)));
  ASSERT_TRUE(send_and_receive(h, async ? &events : nullptr));
  h.websocket = WinHttpWebSocketCompleteUpgrade(h.request, reinterpret_cast<DWORD_PTR>(&events));
  ASSERT_NE(h.websocket, nullptr) << GetLastError();
  ASSERT_EQ(send_text(h.websocket, "over tls"), static_cast<DWORD>(ERROR_SUCCESS));
  if (!async) {
    const received m = bounded("WinHttpWebSocketReceive", [&] { return receive_message(h.websocket); }).value;
    ASSERT_EQ(m.error, static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(as_text(m.data), "over tls");
    return;
  }
  char buffer[64];
  ASSERT_EQ(WinHttpWebSocketReceive(h.websocket, buffer, sizeof buffer, nullptr, nullptr), static_cast<DWORD>(ERROR_SUCCESS));
  const auto e = events.wait_for(WINHTTP_CALLBACK_STATUS_READ_COMPLETE, h.websocket);
  EXPECT_EQ(std::string(buffer, e.ws_status.dwBytesTransferred), "over tls");
}

DWORD sync_send_request_error(INTERNET_PORT port, DWORD security_flags) {
  recorder events;
  connection_handles h;
  if (!open_request(h, port, wss(events, security_flags))) return 0;
  const auto sent = bounded("WinHttpSendRequest", [&] {
    const BOOL ok = WinHttpSendRequest(h.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0);
    return ok ? DWORD{ERROR_SUCCESS} : GetLastError();
  });
  return sent.value;
}

}  // namespace

TEST(Tls, TrustedCa_WssEchoWorks) { expect_wss_echo(tls->port(served::trusted), 0, false); }

TEST(Tls, TrustedCa_WssEchoWorksAsync) { expect_wss_echo(tls->port(served::trusted), 0, true); }

struct certificate_fault {
  const char* name;
  served what;
  DWORD failure_flag;   // WINHTTP_CALLBACK_STATUS_FLAG_* in SECURE_FAILURE
  DWORD ignore;         // the SECURITY_FLAG_IGNORE_* that accepts it
  DWORD other_ignore;   // one that must not
};

class CertificateFault : public ::testing::TestWithParam<certificate_fault> {
 protected:
  INTERNET_PORT port() const { return tls->port(GetParam().what); }
};

TEST_P(CertificateFault, SendRequestFailsSecureFailure) {
  EXPECT_EQ(sync_send_request_error(port(), 0), static_cast<DWORD>(ERROR_WINHTTP_SECURE_FAILURE));
}

TEST_P(CertificateFault, AsyncSecureFailureCallbackCarriesItsFlagThenRequestError) {
  recorder events;
  connection_handles h;
  ASSERT_TRUE(open_request(h, port(), wss(events, 0, true)));
  ASSERT_TRUE(WinHttpSendRequest(h.request, WINHTTP_NO_ADDITIONAL_HEADERS, 0, nullptr, 0, 0, 0)) << GetLastError();
  const auto error = events.wait_for(WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, h.request);
  EXPECT_EQ(error.error.dwResult, static_cast<DWORD_PTR>(API_SEND_REQUEST));
  EXPECT_EQ(error.error.dwError, static_cast<DWORD>(ERROR_WINHTTP_SECURE_FAILURE));
  ASSERT_EQ(events.count(WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, h.request), 1u) << "before the REQUEST_ERROR";
  const auto failure = events.wait_for(WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, h.request);
  EXPECT_EQ(failure.length, sizeof(DWORD));
  EXPECT_EQ(failure.value, GetParam().failure_flag) << "flags 0x" << std::hex << failure.value;
}

TEST_P(CertificateFault, AcceptedWithItsIgnoreFlag) { expect_wss_echo(port(), GetParam().ignore, false); }

TEST_P(CertificateFault, AcceptedWithItsIgnoreFlagAsync) { expect_wss_echo(port(), GetParam().ignore, true); }

TEST_P(CertificateFault, StillRefusedWithOnlyAnotherIgnoreFlag) {
  EXPECT_EQ(sync_send_request_error(port(), GetParam().other_ignore), static_cast<DWORD>(ERROR_WINHTTP_SECURE_FAILURE));
}

INSTANTIATE_TEST_SUITE_P(
    Tls, CertificateFault,
    ::testing::Values(certificate_fault{"UnknownCa", served::unknown_ca, WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA,
                                        SECURITY_FLAG_IGNORE_UNKNOWN_CA, SECURITY_FLAG_IGNORE_CERT_CN_INVALID},
                      certificate_fault{"WrongName", served::wrong_name, WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID,
                                        SECURITY_FLAG_IGNORE_CERT_CN_INVALID, SECURITY_FLAG_IGNORE_UNKNOWN_CA},
                      certificate_fault{"Expired", served::expired, WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID,
                                        SECURITY_FLAG_IGNORE_CERT_DATE_INVALID, SECURITY_FLAG_IGNORE_CERT_CN_INVALID}),
    [](const auto& p) { return std::string(p.param.name); });
