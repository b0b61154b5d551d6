// IHttpRequest over a request the HTTP front parsed: method, target, headers (changeable by
// modules, as IIS allows), the body (whole, bounded by the front's limit) for ReadEntityBody, and
// the HTTP_REQUEST view of it all that GetRawHttpRequest hands out.
#pragma once

#include <sys/socket.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <httpserv.h>

#include "header_fields.hpp"
#include "http/request.hpp"

namespace websock::iis {

struct request_facts {
  std::string remote;       // "1.2.3.4:5678" or "[::1]:5678"
  bool tls = false;
  std::uint16_t local_port = 0;
};

class http_request final : public IHttpRequest {
 public:
  http_request(const http::request& r, std::string body, request_facts facts);

  HTTP_REQUEST* GetRawHttpRequest() override;
  const HTTP_REQUEST* GetRawHttpRequest() const override;
  PCSTR GetHeader(PCSTR name, USHORT* length) const override;
  PCSTR GetHeader(HTTP_HEADER_ID id, USHORT* length) const override;
  HRESULT SetHeader(PCSTR name, PCSTR value, USHORT length, BOOL replace) override;
  HRESULT SetHeader(HTTP_HEADER_ID id, PCSTR value, USHORT length, BOOL replace) override;
  HRESULT DeleteHeader(PCSTR name) override;
  HRESULT DeleteHeader(HTTP_HEADER_ID id) override;
  PCSTR GetHttpMethod() const override { return method_.c_str(); }
  HRESULT SetHttpMethod(PCSTR method) override;
  HRESULT SetUrl(PCWSTR url, DWORD length, BOOL reset_query) override;
  HRESULT SetUrl(PCSTR url, DWORD length, BOOL reset_query) override;
  BOOL GetUrlChanged() const override { return url_changed_; }
  PCWSTR GetForwardedUrl() const override { return nullptr; }
  PSOCKADDR GetLocalAddress() const override { return nullptr; }
  PSOCKADDR GetRemoteAddress() const override;
  HRESULT ReadEntityBody(VOID* buffer, DWORD size, BOOL async, DWORD* received, BOOL* pending) override;
  HRESULT InsertEntityBody(VOID* buffer, DWORD size) override;
  DWORD GetRemainingEntityBytes() override { return static_cast<DWORD>(body_.size() - body_read_); }
  VOID GetHttpVersion(USHORT* major, USHORT* minor) const override;
  HRESULT GetClientCertificate(HTTP_SSL_CLIENT_CERT_INFO** info, BOOL* negotiated) override;
  HRESULT NegotiateClientCertificate(BOOL async, BOOL* pending) override;
  DWORD GetSiteId() const override { return 1; }

  // ---- host side ----
  // How an asynchronous ReadEntityBody without pfCompletionPending completes (the context's
  // OnAsyncCompletion path).
  void on_complete_later(std::function<void(DWORD, HRESULT)> f) { complete_later_ = std::move(f); }
  // ReadEntityBody's part without the completion: copies the next bytes of the body.
  HRESULT read_body(VOID* buffer, DWORD size, DWORD& received);
  const std::string& target() const noexcept { return target_; }
  std::string_view path() const noexcept;
  std::string_view query() const noexcept;
  int version_minor() const noexcept { return version_minor_; }
  const request_facts& facts() const noexcept { return facts_; }
  // The current headers (what modules changed included), for server variables and the upgrade.
  core::header_list headers() const;

 private:
  void rebuild_raw() const;

  std::string method_;
  std::string target_;
  int version_minor_;
  header_fields fields_;
  std::string body_;
  std::size_t body_read_ = 0;
  request_facts facts_;
  std::function<void(DWORD, HRESULT)> complete_later_;
  bool url_changed_ = false;
  sockaddr_storage remote_addr_{};
  bool has_remote_addr_ = false;

  // GetRawHttpRequest's view, rebuilt after a change.
  mutable HTTP_REQUEST raw_{};
  mutable bool raw_stale_ = true;
  mutable std::vector<HTTP_UNKNOWN_HEADER> unknown_;
  mutable std::wstring full_url_w_, host_w_, path_w_, query_w_;
};

// Header values that may go on the wire: no CR, LF, NUL or other control character but HTAB.
bool is_clean_value(std::string_view value) noexcept;
// Header names: RFC 9110 tokens.
bool is_clean_name(std::string_view name) noexcept;

}  // namespace websock::iis
