// IHttpResponse: status, headers and a buffered body, written by the HTTP front when the request
// ends (or, for a 101 on an upgrade request, turned into the WebSocket handshake by the context's
// Flush). Modules cannot set the framing headers (Content-Length, Transfer-Encoding, Connection):
// the front's response writer owns them.
#pragma once

#include <string>

#include <httpserv.h>

#include "header_fields.hpp"
#include "http/response_writer.hpp"

namespace websock::iis {

class http_context;

class http_response final : public IHttpResponse {
 public:
  explicit http_response(http_context& ctx) : ctx_(ctx) {}

  HTTP_RESPONSE* GetRawHttpResponse() override { return nullptr; }
  const HTTP_RESPONSE* GetRawHttpResponse() const override { return nullptr; }
  IHttpCachePolicy* GetCachePolicy() override { return nullptr; }
  HRESULT SetStatus(USHORT status, PCSTR reason, USHORT sub_status, HRESULT error, IAppHostConfigException* exception,
                    BOOL skip_custom_errors) override;
  HRESULT SetHeader(PCSTR name, PCSTR value, USHORT length, BOOL replace) override;
  HRESULT SetHeader(HTTP_HEADER_ID id, PCSTR value, USHORT length, BOOL replace) override;
  HRESULT DeleteHeader(PCSTR name) override;
  HRESULT DeleteHeader(HTTP_HEADER_ID id) override;
  PCSTR GetHeader(PCSTR name, USHORT* length) const override;
  PCSTR GetHeader(HTTP_HEADER_ID id, USHORT* length) const override;
  VOID Clear() override;
  VOID ClearHeaders() override { fields_.clear(); }
  // Keep-alive follows the request (the front decides): these two are accepted and change nothing.
  VOID SetNeedDisconnect() override {}
  VOID ResetConnection() override;
  VOID DisableKernelCache(ULONG) override {}
  BOOL GetKernelCacheEnabled() const override { return FALSE; }
  VOID SuppressHeaders() override {}
  BOOL GetHeadersSuppressed() const override { return FALSE; }
  HRESULT Flush(BOOL async, BOOL more_data, DWORD* sent, BOOL* completion_expected) override;
  HRESULT Redirect(PCSTR url, BOOL reset_status, BOOL include_parameters) override;
  HRESULT WriteEntityChunkByReference(HTTP_DATA_CHUNK* chunk, LONG position) override;
  HRESULT WriteEntityChunks(HTTP_DATA_CHUNK* chunks, DWORD count, BOOL async, BOOL more_data, DWORD* sent,
                            BOOL* completion_expected) override;
  VOID DisableBuffering() override {}
  VOID GetStatus(USHORT* status, USHORT* sub_status, PCSTR* reason, USHORT* reason_length, HRESULT* error,
                 PCWSTR* module, DWORD* notification, IAppHostConfigException** exception,
                 BOOL* skip_custom_errors) override;
  HRESULT SetErrorDescription(PCWSTR, DWORD, BOOL) override { return S_OK; }
  PCWSTR GetErrorDescription(DWORD* length) override;
  VOID CloseConnection() override {}

  // ---- host side ----
  int status() const noexcept { return status_; }
  bool status_set() const noexcept { return status_set_; }
  // The answer as the front writes it; `head_request`: no body.
  http::response_head head() const;
  const std::string& body() const noexcept { return body_; }
  // The module's headers (for the 101, beside the ones the host adds).
  core::header_list fields() const;
  // 404 when no module finished the request, 500 when a 101 was never flushed.
  void answer_instead(int status, std::string_view text);

 private:
  HRESULT append_chunks(HTTP_DATA_CHUNK* chunks, DWORD count, DWORD& sent);

  http_context& ctx_;
  int status_ = 200;
  bool status_set_ = false;
  USHORT sub_status_ = 0;
  std::string reason_;
  HRESULT error_ = S_OK;
  header_fields fields_;
  std::string body_;
};

}  // namespace websock::iis
