#include "net/tls_verify.hpp"

#include <openssl/x509_vfy.h>

#include "websock/error.hpp"

namespace websock::net {
namespace {

// The policy and the record of one connection, owned by its SSL object.
struct verify_state {
  tls_verify_policy policy;
  tls_verify_record record;
};

void free_state(void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<verify_state*>(ptr); }

// Our own ex_data slot (Asio keeps its verify callback in the SSL's app data, slot 0), taken once
// per process; OpenSSL frees what it holds when the SSL object goes.
int state_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, free_state);
  return index;
}

verify_state* state_of(const SSL* ssl) {
  const int index = state_index();
  return index < 0 ? nullptr : static_cast<verify_state*>(SSL_get_ex_data(ssl, index));
}

bool allowed(const tls_verify_policy& p, tls_failure f) {
  switch (f) {
    case tls_failure::unknown_ca: return p.allow_unknown_ca;
    case tls_failure::name_mismatch: return p.allow_name_mismatch;
    case tls_failure::expired: return p.allow_expired;
    case tls_failure::wrong_usage: return p.allow_wrong_usage;
    default: return false;
  }
}

// OpenSSL calls this for every verify error it finds and once per certificate when that one
// passed (preverify_ok 1). Each error is judged on its own, whatever its depth (the host name's
// error comes at depth 0, after the chain's): accepting one lets OpenSSL go on with the other
// checks, so a later error still reaches here and is refused unless it too is allowed. The first
// refusal ends verification, so the record names the check that failed, not every one that would.
int verify_callback(int preverify_ok, X509_STORE_CTX* store) {
  if (preverify_ok == 1) return 1;
  const auto* ssl = static_cast<const SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  verify_state* state = ssl == nullptr ? nullptr : state_of(ssl);
  if (state == nullptr) return 0;  // no policy to relax anything: OpenSSL's own answer stands
  const long error = X509_STORE_CTX_get_error(store);
  tls_failure f = verify_error_category(error);
  if (f == tls_failure::none) f = tls_failure::invalid_cert;  // a failure without a reason
  state->record.seen |= bit(f);
  if (allowed(state->policy, f)) return 1;
  state->record.refused = bit(f);
  state->record.refused_error = error;
  return 0;
}

}  // namespace

tls_failure verify_error_category(long x509_error) noexcept {
  switch (x509_error) {
    case X509_V_OK:
      return tls_failure::none;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_CERT_UNTRUSTED:
      return tls_failure::unknown_ca;
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return tls_failure::name_mismatch;
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return tls_failure::expired;
    case X509_V_ERR_INVALID_PURPOSE:
      return tls_failure::wrong_usage;
    case X509_V_ERR_CERT_REVOKED:
      return tls_failure::revoked;
    // Revocation could not be checked: no CRL (or an unusable one), or no OCSP answer.
    case X509_V_ERR_UNABLE_TO_GET_CRL:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
    case X509_V_ERR_OCSP_VERIFY_NEEDED:
    case X509_V_ERR_OCSP_VERIFY_FAILED:
    case X509_V_ERR_OCSP_CERT_UNKNOWN:
      return tls_failure::revocation_unknown;
    default:
      return tls_failure::invalid_cert;
  }
}

void install_verify_policy(SSL* ssl, const tls_verify_policy& policy, std::error_code& ec) {
  const int index = state_index();
  if (index < 0) {
    ec = make_error_code(net_errc::tls_setup_failed);
    return;
  }
  delete state_of(ssl);  // a second call replaces the first policy
  SSL_set_ex_data(ssl, index, nullptr);
  if (!policy.verify) {
    SSL_set_verify(ssl, SSL_VERIFY_NONE, nullptr);
    return;
  }
  auto* state = new verify_state{policy, {}};
  if (SSL_set_ex_data(ssl, index, state) != 1) {
    delete state;
    ec = make_error_code(net_errc::tls_setup_failed);
    return;
  }
  SSL_set_verify(ssl, SSL_VERIFY_PEER, verify_callback);
}

const tls_verify_record* verify_record(const SSL* ssl) noexcept {
  const verify_state* state = state_of(ssl);
  return state == nullptr ? nullptr : &state->record;
}

}  // namespace websock::net
