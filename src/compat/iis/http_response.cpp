#include "http_response.hpp"

#include "errors.hpp"
#include "header_ids.hpp"
#include "http_context.hpp"
#include "http_request.hpp"

namespace websock::iis {
namespace {

// The response writer's own headers (http::response_head): a module cannot set them.
bool writer_owned(std::string_view name) {
  return same_header_name(name, "Content-Length") || same_header_name(name, "Transfer-Encoding") || same_header_name(name, "Date") ||
         same_header_name(name, "Server") || (same_header_name(name, "Connection"));
}

}  // namespace

HRESULT http_response::SetStatus(USHORT status, PCSTR reason, USHORT sub_status, HRESULT error,
                                 IAppHostConfigException*, BOOL) {
  // What an HTTP/1.1 status line can carry as a final answer, and the 101 of an upgrade (another
  // 1xx would be taken for the final response; inferred: IIS documents no range).
  if (status < 100 || status > 599 || (status < 200 && status != 101)) return E_INVALIDARG;
  const std::string_view r = reason ? reason : "";
  if (!is_clean_value(r)) return E_INVALIDARG;
  status_ = status;
  status_set_ = true;
  sub_status_ = sub_status;
  reason_.assign(r);
  error_ = error;
  return S_OK;
}

HRESULT http_response::SetHeader(PCSTR name, PCSTR value, USHORT length, BOOL replace) {
  if (!name || (!value && length > 0)) return E_INVALIDARG;
  // IIS takes a zero length as "up to the terminator".
  const std::string_view v = value ? (length > 0 ? std::string_view(value, length) : std::string_view(value))
                                   : std::string_view();
  if (!is_clean_name(name) || !is_clean_value(v)) return E_INVALIDARG;
  if (writer_owned(name)) {
    // The framing is the host's (IIS computes it too); Connection: upgrade comes with the 101.
    return S_OK;
  }
  fields_.set(name, v, replace != FALSE);
  return S_OK;
}

HRESULT http_response::SetHeader(HTTP_HEADER_ID id, PCSTR value, USHORT length, BOOL replace) {
  const std::string_view name = response_header_name(id);
  if (name.empty()) return E_INVALIDARG;
  return SetHeader(std::string(name).c_str(), value, length, replace);
}

HRESULT http_response::DeleteHeader(PCSTR name) {
  if (!name) return E_INVALIDARG;
  fields_.remove(name);
  return S_OK;
}

HRESULT http_response::DeleteHeader(HTTP_HEADER_ID id) {
  const std::string_view name = response_header_name(id);
  if (name.empty()) return E_INVALIDARG;
  return DeleteHeader(std::string(name).c_str());
}

PCSTR http_response::GetHeader(PCSTR name, USHORT* length) const {
  const auto* f = name ? fields_.find(name) : nullptr;
  if (length) *length = f ? static_cast<USHORT>(f->value.size()) : 0;
  return f ? f->value.c_str() : nullptr;
}

PCSTR http_response::GetHeader(HTTP_HEADER_ID id, USHORT* length) const {
  const std::string_view name = response_header_name(id);
  if (name.empty()) {
    if (length) *length = 0;
    return nullptr;
  }
  return GetHeader(std::string(name).c_str(), length);
}

VOID http_response::Clear() {
  // IIS's Clear empties the body, and the headers too (ClearHeaders alone keeps the body).
  body_.clear();
  fields_.clear();
}

VOID http_response::ResetConnection() { ctx_.reset_connection(); }

HRESULT http_response::Flush(BOOL async, BOOL more_data, DWORD* sent, BOOL* completion_expected) {
  return ctx_.flush(async, more_data, sent, completion_expected);
}

HRESULT http_response::Redirect(PCSTR url, BOOL reset_status, BOOL) {
  if (!url || !is_clean_value(url)) return E_INVALIDARG;
  if (reset_status) status_ = 302;
  status_set_ = true;
  fields_.set("Location", url, true);
  body_.clear();
  return S_OK;
}

HRESULT http_response::append_chunks(HTTP_DATA_CHUNK* chunks, DWORD count, DWORD& sent) {
  sent = 0;
  if (!chunks && count > 0) return E_INVALIDARG;
  for (DWORD i = 0; i < count; ++i) {
    if (chunks[i].DataChunkType != HttpDataChunkFromMemory) return hr_unsupported;  // no files, no cache
    const auto& m = chunks[i].FromMemory;
    if (!m.pBuffer && m.BufferLength > 0) return E_INVALIDARG;
  }
  for (DWORD i = 0; i < count; ++i) {
    const auto& m = chunks[i].FromMemory;
    body_.append(static_cast<const char*>(m.pBuffer), m.BufferLength);
    sent += m.BufferLength;
  }
  return S_OK;
}

HRESULT http_response::WriteEntityChunkByReference(HTTP_DATA_CHUNK* chunk, LONG) {
  DWORD sent = 0;
  return append_chunks(chunk, 1, sent);  // copied: the host buffers the whole body anyway
}

HRESULT http_response::WriteEntityChunks(HTTP_DATA_CHUNK* chunks, DWORD count, BOOL async, BOOL, DWORD* sent,
                                         BOOL* completion_expected) {
  DWORD n = 0;
  const HRESULT hr = append_chunks(chunks, count, n);
  if (sent) *sent = n;
  if (FAILED(hr)) return hr;
  // Buffered, so complete at once: inline, or through OnAsyncCompletion for a caller that
  // cannot be told so.
  if (async && !completion_expected) {
    ctx_.complete_later(n, S_OK);
  } else if (completion_expected) {
    *completion_expected = FALSE;
  }
  return S_OK;
}

VOID http_response::GetStatus(USHORT* status, USHORT* sub_status, PCSTR* reason, USHORT* reason_length,
                              HRESULT* error, PCWSTR* module, DWORD* notification, IAppHostConfigException** exception,
                              BOOL* skip_custom_errors) {
  if (status) *status = static_cast<USHORT>(status_);
  if (sub_status) *sub_status = sub_status_;
  if (reason) *reason = reason_.c_str();
  if (reason_length) *reason_length = static_cast<USHORT>(reason_.size());
  if (error) *error = error_;
  if (module) *module = nullptr;
  if (notification) *notification = 0;
  if (exception) *exception = nullptr;
  if (skip_custom_errors) *skip_custom_errors = FALSE;
}

PCWSTR http_response::GetErrorDescription(DWORD* length) {
  if (length) *length = 0;
  return L"";
}

http::response_head http_response::head() const {
  http::response_head h;
  h.status = status_;
  h.headers = fields();
  h.content_length = body_.size();
  return h;
}

core::header_list http_response::fields() const { return fields_.list(); }

void http_response::answer_instead(int status, std::string_view text) {
  status_ = status;
  fields_.clear();
  fields_.set("Content-Type", "text/plain; charset=utf-8", true);
  body_.assign(text);
}

}  // namespace websock::iis
