// Requests: WinHttpOpenRequest, WinHttpAddRequestHeaders, WinHttpSendRequest,
// WinHttpReceiveResponse, WinHttpQueryHeaders, WinHttpQueryDataAvailable, WinHttpReadData, and the
// close of a request handle. Each network step runs on the request's client_exchange; a
// synchronous session waits for it, an asynchronous one hears of it through the status callback.
#include <algorithm>
#include <cstring>

#include "close_handle.hpp"
#include "errors.hpp"
#include "net/failure_kind.hpp"
#include "headers.hpp"
#include "objects.hpp"
#include "proxy.hpp"
#include "websock/core/handshake.hpp"
#include "win32/wide_string.hpp"

namespace websock::winhttp {
namespace {

std::chrono::milliseconds ms(int t) { return std::chrono::milliseconds(t > 0 ? t : 0); }

std::string host_header(const connection& c, std::uint16_t port, bool secure) {
  std::string host = c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  if (port != (secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT)) host += ":" + std::to_string(port);
  return host;
}

// The fields of an upgrade that WinHTTP writes itself (rule 30): the application's copies go.
bool written_by_upgrade(std::string_view name) {
  for (const char* n : {"Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Accept",
                        "Sec-WebSocket-Extensions", "Host"}) {
    if (core::iequals(name, n)) return true;
  }
  return false;
}

// Reports the end of an asynchronous request step: the completion status, or REQUEST_ERROR.
void complete_async(request& r, DWORD status, DWORD api, DWORD error, LPVOID info = nullptr, DWORD length = 0) {
  {
    std::lock_guard lock(r.mu);
    r.busy = false;
  }
  if (error != ERROR_SUCCESS) {
    WINHTTP_ASYNC_RESULT result{api, error};
    return notify(r, WINHTTP_CALLBACK_STATUS_REQUEST_ERROR, &result, sizeof result);
  }
  notify(r, status, info, length);
}

// Runs `step` (which calls finish(error) once, on a loop thread) and either waits for it
// (synchronous handle) or returns at once (asynchronous: `on_async` reports the end).
template <class Step>
BOOL run_step(request& r, Step step) {
  if (r.async) {
    step([](DWORD) {});
    return succeed();
  }
  auto wait = std::make_shared<sync_wait>();
  step([wait](DWORD error) { wait->finish(error); });
  const DWORD error = wait->wait();
  return error == ERROR_SUCCESS ? succeed() : fail(error);
}

// Starts an asynchronous step: refused while another is outstanding (or the handle is closed).
DWORD begin(request& r, std::initializer_list<request_state> allowed) {
  std::lock_guard lock(r.mu);
  if (r.closed.load()) return ERROR_INVALID_HANDLE;
  if (r.busy) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
  if (std::find(allowed.begin(), allowed.end(), r.state) == allowed.end()) return ERROR_WINHTTP_INCORRECT_HANDLE_STATE;
  r.busy = true;
  return ERROR_SUCCESS;
}

void end_sync_or_async(request& r, const std::function<void(DWORD)>& finish, DWORD status, DWORD api, DWORD error,
                       LPVOID info = nullptr, DWORD length = 0) {
  if (r.async) {
    complete_async(r, status, api, error, info, length);
  } else {
    {
      std::lock_guard lock(r.mu);
      r.busy = false;
    }
  }
  finish(error);
}

net::tls_verify_policy verify_policy(DWORD security_flags) {
  net::tls_verify_policy p;
  p.allow_unknown_ca = (security_flags & SECURITY_FLAG_IGNORE_UNKNOWN_CA) != 0;
  p.allow_name_mismatch = (security_flags & SECURITY_FLAG_IGNORE_CERT_CN_INVALID) != 0;
  p.allow_expired = (security_flags & SECURITY_FLAG_IGNORE_CERT_DATE_INVALID) != 0;
  p.allow_wrong_usage = (security_flags & SECURITY_FLAG_IGNORE_CERT_WRONG_USAGE) != 0;
  return p;
}

// WINHTTP_CALLBACK_STATUS_FLAG_* bits for SECURE_FAILURE from the connector's categories.
DWORD secure_failure_flags(unsigned failures) {
  using net::tls_failure;
  DWORD flags = 0;
  if (net::has(failures, tls_failure::unknown_ca)) flags |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CA;
  if (net::has(failures, tls_failure::name_mismatch)) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_CN_INVALID;
  if (net::has(failures, tls_failure::expired)) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_DATE_INVALID;
  if (net::has(failures, tls_failure::wrong_usage)) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_WRONG_USAGE;
  if (net::has(failures, tls_failure::revoked)) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REVOKED;
  if (net::has(failures, tls_failure::revocation_unknown)) flags |= WINHTTP_CALLBACK_STATUS_FLAG_CERT_REV_FAILED;
  if (net::has(failures, tls_failure::invalid_cert)) flags |= WINHTTP_CALLBACK_STATUS_FLAG_INVALID_CERT;
  if (flags == 0) flags = WINHTTP_CALLBACK_STATUS_FLAG_SECURITY_CHANNEL_ERROR;
  return flags;
}

std::shared_ptr<connection> connection_of(const request& r) { return std::static_pointer_cast<connection>(r.parent); }
std::shared_ptr<session> session_of(const request& r) {
  return std::static_pointer_cast<session>(connection_of(r)->parent);
}

// The request head, and for an upgrade the handshake that will check the 101.
DWORD build_head(request& r, std::string& head) {
  const auto c = connection_of(r);
  const auto s = session_of(r);
  const bool secure = (r.flags & WINHTTP_FLAG_SECURE) != 0;
  const std::uint16_t port = c->port != INTERNET_DEFAULT_PORT ? c->port
                                                              : (secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT);
  core::header_list extra;
  const bool has_agent = core::find_header(r.headers, "User-Agent") != nullptr;
  if (!has_agent && !s->agent.empty()) extra.push_back({"User-Agent", s->agent});
  if (!r.upgrade) {
    head = r.verb + " " + r.target + " HTTP/1.1\r\nHost: " + host_header(*c, port, secure) + "\r\n";
    core::append_headers(head, extra);
    core::append_headers(head, r.headers);
    return ERROR_SUCCESS;
  }
  core::client_handshake_options o;
  o.host = host_header(*c, port, secure);
  o.target = r.target;
  for (const auto& h : r.headers) {
    if (core::iequals(h.name, "Sec-WebSocket-Protocol")) {
      for (auto t : core::header_tokens({h}, "Sec-WebSocket-Protocol")) o.subprotocols.emplace_back(t);
    } else if (!written_by_upgrade(h.name)) {
      extra.push_back(h);
    }
  }
  o.extra_headers = std::move(extra);
  r.handshake = std::make_unique<core::client_handshake>(std::move(o));
  if (r.handshake->done()) return ERROR_WINHTTP_INVALID_HEADER;  // refused before sending
  head = r.handshake->request();
  head.resize(head.size() - 2);  // the blank line comes after the fields SendRequest may add
  return ERROR_SUCCESS;
}

}  // namespace

void close_request(const std::shared_ptr<request>& r) {
  std::shared_ptr<http::client_exchange> ex;
  {
    std::lock_guard lock(r->mu);
    ex = r->exchange;
  }
  if (!ex) return notify_closing(*r);
  // The step in flight ends as cancelled on the loop; HANDLE_CLOSING follows it there.
  ex->cancel();
  ex->post([r] { notify_closing(*r); });
}

}  // namespace websock::winhttp

using namespace websock;
using namespace websock::winhttp;

extern "C" HINTERNET WINAPI WinHttpOpenRequest(HINTERNET hConnect, LPCWSTR pwszVerb, LPCWSTR pwszObjectName,
                                               LPCWSTR pwszVersion, LPCWSTR pwszReferrer, LPCWSTR* ppwszAcceptTypes,
                                               DWORD dwFlags) {
  auto c = find_as<connection>(hConnect, kind::connection);
  if (!c) {
    SetLastError(find_handle(hConnect) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_HANDLE);
    return nullptr;
  }
  auto r = std::make_shared<request>();
  r->inherit(c);
  if (pwszVerb && *pwszVerb) r->verb = win32::to_utf8(pwszVerb);
  if (!core::is_token(r->verb)) {
    SetLastError(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  std::string target = pwszObjectName && *pwszObjectName ? win32::to_utf8(pwszObjectName) : "/";
  if (target.front() != '/') target.insert(target.begin(), '/');
  // Spaces and other bytes a request-target cannot hold are percent-encoded, as WinHTTP escapes
  // them; control characters are refused rather than sent.
  if (core::encode_request_target(target, r->target) != core::errc::ok) {
    SetLastError(ERROR_WINHTTP_INVALID_URL);
    return nullptr;
  }
  (void)pwszVersion;  // HTTP/1.1 always: WebSocket needs it (RFC 6455 4.1)
  r->flags = dwFlags;
  if (pwszReferrer && *pwszReferrer) r->headers.push_back({"Referer", win32::to_utf8(pwszReferrer)});
  if (ppwszAcceptTypes) {
    std::string accept;
    for (auto p = ppwszAcceptTypes; *p; ++p) accept += (accept.empty() ? "" : ", ") + win32::to_utf8(*p);
    if (!accept.empty()) r->headers.push_back({"Accept", accept});
  }
  for (const auto& h : r->headers) {
    if (!core::is_field_value(h.value)) {
      SetLastError(ERROR_INVALID_PARAMETER);
      return nullptr;
    }
  }
  auto s = std::static_pointer_cast<session>(c->parent);
  r->ws_receive_buffer = s->ws_receive_buffer;
  r->ws_send_buffer = s->ws_send_buffer;
  register_handle(r);
  HINTERNET h = r->handle;
  notify(*r, WINHTTP_CALLBACK_STATUS_HANDLE_CREATED, &h, sizeof h);
  SetLastError(ERROR_SUCCESS);
  return h;
}

extern "C" BOOL WINAPI WinHttpAddRequestHeaders(HINTERNET hRequest, LPCWSTR lpszHeaders, DWORD dwHeadersLength,
                                                DWORD dwModifiers) {
  auto r = find_as<request>(hRequest, kind::request);
  if (!r) return fail(find_handle(hRequest) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_HANDLE);
  if (!lpszHeaders) return fail(ERROR_INVALID_PARAMETER);
  const std::wstring_view wide =
      dwHeadersLength == static_cast<DWORD>(-1) ? std::wstring_view(lpszHeaders) : std::wstring_view(lpszHeaders, dwHeadersLength);
  std::lock_guard lock(r->mu);
  if (r->state != request_state::opened) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  const DWORD e = add_request_headers(r->headers, win32::to_utf8(wide), dwModifiers);
  return e == ERROR_SUCCESS ? succeed() : fail(e);
}

extern "C" BOOL WINAPI WinHttpSendRequest(HINTERNET hRequest, LPCWSTR lpszHeaders, DWORD dwHeadersLength,
                                          LPVOID lpOptional, DWORD dwOptionalLength, DWORD dwTotalLength,
                                          DWORD_PTR dwContext) {
  auto r = find_as<request>(hRequest, kind::request);
  if (!r) return fail(find_handle(hRequest) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_HANDLE);
  if ((dwOptionalLength > 0 && !lpOptional) || dwTotalLength > dwOptionalLength) {
    // WinHttpWriteData is not offered: the whole body comes with the request.
    return fail(ERROR_INVALID_PARAMETER);
  }
  std::string head;
  {
    std::lock_guard lock(r->mu);
    if (r->state != request_state::opened || r->busy) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
    if (lpszHeaders) {
      const std::wstring_view wide = dwHeadersLength == static_cast<DWORD>(-1) ? std::wstring_view(lpszHeaders)
                                                                                : std::wstring_view(lpszHeaders, dwHeadersLength);
      if (const DWORD e = add_request_headers(r->headers, win32::to_utf8(wide), WINHTTP_ADDREQ_FLAG_ADD); e != ERROR_SUCCESS) {
        return fail(e);
      }
    }
    if (dwContext) r->context = dwContext;  // 0 keeps the inherited one (as Wine does)
    if (const DWORD e = build_head(*r, head); e != ERROR_SUCCESS) return fail(e);
  }
  std::vector<std::byte> body;
  if (!r->upgrade && (dwOptionalLength > 0 || r->verb == "POST" || r->verb == "PUT")) {
    head += "Content-Length: " + std::to_string(dwOptionalLength) + "\r\n";
    const auto* p = static_cast<const std::byte*>(lpOptional);
    body.assign(p, p + dwOptionalLength);
  }
  head += "\r\n";
  // Rule 35: a WebSocket send buffer under 16 bytes cannot hold a frame header; the upgrade's
  // send fails (asynchronously on an asynchronous handle, as Windows reports it).
  const bool too_small = r->upgrade && r->ws_send_buffer < 16;
  if (const DWORD e = begin(*r, {request_state::opened}); e != ERROR_SUCCESS) return fail(e);
  if (too_small && !r->async) {
    std::lock_guard lock(r->mu);
    r->busy = false;
    return fail(ERROR_NOT_ENOUGH_MEMORY);
  }
  const auto c = connection_of(*r);
  const auto s = session_of(*r);
  const bool secure = (r->flags & WINHTTP_FLAG_SECURE) != 0;
  http::client_target target;
  target.host = c->host;
  target.port = c->port != INTERNET_DEFAULT_PORT ? c->port : (secure ? INTERNET_DEFAULT_HTTPS_PORT : INTERNET_DEFAULT_HTTP_PORT);
  target.tls = secure;
  target.verify = verify_policy(r->security_flags);
  if (s->access_type == WINHTTP_ACCESS_TYPE_NAMED_PROXY) {
    if (auto p = choose_proxy(s->proxy, s->bypass, c->host, secure)) {
      target.proxy_host = p->host;
      target.proxy_port = p->port;
    }
  }
  timeouts limits;
  {
    std::lock_guard lock(r->mu);
    limits = r->limits;
    r->state = request_state::sending;
    r->exchange = http::client_exchange::create();
  }
  target.connect_timeout = limits.connect > 0 ? ms(limits.resolve) + ms(limits.connect) : std::chrono::milliseconds(0);
  auto ex = r->exchange;
  return run_step(*r, [r, ex, target = std::move(target), head = std::move(head), body = std::move(body), limits,
                       too_small](std::function<void(DWORD)> finish) mutable {
    auto fail_step = [r, finish](DWORD error) {
      {
        std::lock_guard lock(r->mu);
        r->state = request_state::failed;
      }
      end_sync_or_async(*r, finish, 0, API_SEND_REQUEST, error);
    };
    if (too_small) {
      // Nothing was attempted (W1: no connection callback comes), so the request may be given a
      // valid size and sent again.
      return ex->post([r, finish] {
        {
          std::lock_guard lock(r->mu);
          r->state = request_state::opened;
        }
        end_sync_or_async(*r, finish, 0, API_SEND_REQUEST, ERROR_NOT_ENOUGH_MEMORY);
      });
    }
    ex->post([r, ex, target = std::move(target), head = std::move(head), body = std::move(body), limits, finish,
              fail_step]() mutable {
      std::wstring name = win32::to_wide(target.host);
      notify(*r, WINHTTP_CALLBACK_STATUS_CONNECTING_TO_SERVER, name.data(), static_cast<DWORD>((name.size() + 1) * sizeof(WCHAR)));
      ex->connect(std::move(target), [r, ex, head = std::move(head), body = std::move(body), limits, finish,
                                      fail_step](std::error_code ec, const http::connect_report& report) mutable {
        if (ec) {
          if (net::classify_failure(ec) == net::failure_kind::tls) {
            DWORD flags = secure_failure_flags(report.tls_failures);
            notify(*r, WINHTTP_CALLBACK_STATUS_SECURE_FAILURE, &flags, sizeof flags);
          }
          return fail_step(r->closed.load() ? ERROR_WINHTTP_OPERATION_CANCELLED : error_from(ec));
        }
        std::wstring remote = win32::to_wide(report.remote);
        notify(*r, WINHTTP_CALLBACK_STATUS_CONNECTED_TO_SERVER, remote.data(),
               static_cast<DWORD>((remote.size() + 1) * sizeof(WCHAR)));
        notify(*r, WINHTTP_CALLBACK_STATUS_SENDING_REQUEST, nullptr, 0);
        const DWORD size = static_cast<DWORD>(head.size() + body.size());
        ex->send(std::move(head), std::move(body), ms(limits.send), [r, size, finish, fail_step](std::error_code ec2) {
          if (ec2) return fail_step(r->closed.load() ? ERROR_WINHTTP_OPERATION_CANCELLED : error_from(ec2));
          DWORD sent = size;
          notify(*r, WINHTTP_CALLBACK_STATUS_REQUEST_SENT, &sent, sizeof sent);
          {
            std::lock_guard lock(r->mu);
            r->state = request_state::sent;
          }
          end_sync_or_async(*r, finish, WINHTTP_CALLBACK_STATUS_SENDREQUEST_COMPLETE, API_SEND_REQUEST, ERROR_SUCCESS);
        });
      });
    });
  });
}

extern "C" BOOL WINAPI WinHttpReceiveResponse(HINTERNET hRequest, LPVOID lpReserved) {
  auto r = find_as<request>(hRequest, kind::request);
  if (!r) return fail(find_handle(hRequest) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_HANDLE);
  if (lpReserved) return fail(ERROR_INVALID_PARAMETER);
  if (const DWORD e = begin(*r, {request_state::sent}); e != ERROR_SUCCESS) return fail(e);
  std::shared_ptr<http::client_exchange> ex;
  int receive_timeout;
  {
    std::lock_guard lock(r->mu);
    r->state = request_state::receiving;
    ex = r->exchange;
    receive_timeout = r->limits.receive;
  }
  return run_step(*r, [r, ex, receive_timeout](std::function<void(DWORD)> finish) {
    ex->post([r, ex, receive_timeout, finish] {
      notify(*r, WINHTTP_CALLBACK_STATUS_RECEIVING_RESPONSE, nullptr, 0);
      ex->receive_head(r->verb, ms(receive_timeout), [r, ex, finish](std::error_code ec) {
        DWORD error = ec ? (r->closed.load() ? ERROR_WINHTTP_OPERATION_CANCELLED : error_from(ec)) : ERROR_SUCCESS;
        {
          std::lock_guard lock(r->mu);
          r->state = ec ? request_state::failed : request_state::received;
        }
        if (!ec) {
          DWORD size = static_cast<DWORD>(raw_headers_crlf(ex->response()).size());
          notify(*r, WINHTTP_CALLBACK_STATUS_RESPONSE_RECEIVED, &size, sizeof size);
        }
        end_sync_or_async(*r, finish, WINHTTP_CALLBACK_STATUS_HEADERS_AVAILABLE, API_RECEIVE_RESPONSE, error);
      });
    });
  });
}

extern "C" BOOL WINAPI WinHttpQueryHeaders(HINTERNET hRequest, DWORD dwInfoLevel, LPCWSTR pwszName, LPVOID lpBuffer,
                                           LPDWORD lpdwBufferLength, LPDWORD lpdwIndex) {
  auto r = find_as<request>(hRequest, kind::request);
  if (!r) return fail(find_handle(hRequest) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_HANDLE);
  if (!lpdwBufferLength) return fail(ERROR_INVALID_PARAMETER);
  const DWORD level = dwInfoLevel & 0xFFFF;
  const bool from_request = (dwInfoLevel & WINHTTP_QUERY_FLAG_REQUEST_HEADERS) != 0;
  if (dwInfoLevel & (WINHTTP_QUERY_FLAG_SYSTEMTIME | WINHTTP_QUERY_FLAG_NUMBER64)) return fail(ERROR_INVALID_PARAMETER);
  std::lock_guard lock(r->mu);
  const bool have_response = r->state == request_state::received || r->state == request_state::upgraded;
  if (!from_request && !have_response) return fail(ERROR_WINHTTP_INCORRECT_HANDLE_STATE);
  const core::http_head* head = have_response ? &r->exchange->response() : nullptr;
  std::string value;
  if (!from_request && level == WINHTTP_QUERY_STATUS_CODE) {
    value = std::to_string(head->status);
  } else if (!from_request && level == WINHTTP_QUERY_STATUS_TEXT) {
    value = head->reason;
  } else if (!from_request && level == WINHTTP_QUERY_VERSION) {
    value = "HTTP/" + std::to_string(head->version_major) + "." + std::to_string(head->version_minor);
  } else if (!from_request && level == WINHTTP_QUERY_RAW_HEADERS_CRLF) {
    value = raw_headers_crlf(*head);
  } else {
    const char* known = level == WINHTTP_QUERY_CUSTOM ? nullptr : query_field_name(level);
    std::string name;
    if (level == WINHTTP_QUERY_CUSTOM) {
      if (!pwszName || !*pwszName) return fail(ERROR_INVALID_PARAMETER);
      name = win32::to_utf8(pwszName);
    } else if (known) {
      name = known;
    } else {
      return fail(ERROR_WINHTTP_INVALID_QUERY_REQUEST);
    }
    const core::header_list& fields = from_request ? r->headers : head->headers;
    const DWORD wanted = lpdwIndex ? *lpdwIndex : 0;
    DWORD seen = 0;
    const core::http_header* found = nullptr;
    for (const auto& f : fields) {
      if (!core::iequals(f.name, name)) continue;
      if (seen++ == wanted) {
        found = &f;
        break;
      }
    }
    if (!found) return fail(ERROR_WINHTTP_HEADER_NOT_FOUND);
    value = found->value;
    const DWORD e = write_query_result(value, dwInfoLevel, lpBuffer, lpdwBufferLength);
    if (e != ERROR_SUCCESS) return fail(e);
    if (lpdwIndex) ++*lpdwIndex;
    return succeed();
  }
  const DWORD e = write_query_result(value, dwInfoLevel, lpBuffer, lpdwBufferLength);
  return e == ERROR_SUCCESS ? succeed() : fail(e);
}

namespace {

constexpr std::size_t ahead_size = 8 * 1024;

}  // namespace

extern "C" BOOL WINAPI WinHttpQueryDataAvailable(HINTERNET hRequest, LPDWORD lpdwNumberOfBytesAvailable) {
  auto r = find_as<request>(hRequest, kind::request);
  if (!r) return fail(find_handle(hRequest) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_HANDLE);
  if (const DWORD e = begin(*r, {request_state::received}); e != ERROR_SUCCESS) return fail(e);
  std::shared_ptr<http::client_exchange> ex;
  int receive_timeout;
  {
    std::lock_guard lock(r->mu);
    ex = r->exchange;
    receive_timeout = r->limits.receive;
  }
  auto report = std::make_shared<DWORD>(0);
  const BOOL ok = run_step(*r, [r, ex, receive_timeout, report](std::function<void(DWORD)> finish) {
    ex->post([r, ex, receive_timeout, report, finish] {
      auto deliver = [r, report, finish](DWORD error) {
        end_sync_or_async(*r, finish, WINHTTP_CALLBACK_STATUS_DATA_AVAILABLE, API_QUERY_DATA_AVAILABLE, error,
                          report.get(), sizeof(DWORD));
      };
      bool known;  // delivered after the lock is released: the delivery takes it too
      {
        std::lock_guard lock(r->mu);
        *report = static_cast<DWORD>(r->body_ahead.size() - r->body_ahead_begin);
        known = *report > 0 || r->body_end;
        if (!known) {
          r->body_ahead.resize(ahead_size);
          r->body_ahead_begin = 0;
        }
      }
      if (known) return deliver(ERROR_SUCCESS);
      ex->read_body(r->body_ahead, ms(receive_timeout), [r, report, deliver](std::error_code ec, std::size_t n) {
        {
          std::lock_guard lock(r->mu);
          r->body_ahead.resize(ec ? 0 : n);
          if (!ec && n == 0) r->body_end = true;
          *report = static_cast<DWORD>(r->body_ahead.size());
        }
        deliver(ec ? error_from(ec) : ERROR_SUCCESS);
      });
    });
  });
  if (ok && !r->async && lpdwNumberOfBytesAvailable) *lpdwNumberOfBytesAvailable = *report;
  return ok;
}

extern "C" BOOL WINAPI WinHttpReadData(HINTERNET hRequest, LPVOID lpBuffer, DWORD dwNumberOfBytesToRead,
                                       LPDWORD lpdwNumberOfBytesRead) {
  auto r = find_as<request>(hRequest, kind::request);
  if (!r) return fail(find_handle(hRequest) ? ERROR_WINHTTP_INCORRECT_HANDLE_TYPE : ERROR_INVALID_HANDLE);
  if (!lpBuffer && dwNumberOfBytesToRead > 0) return fail(ERROR_INVALID_PARAMETER);
  if (!r->async && !lpdwNumberOfBytesRead) return fail(ERROR_INVALID_PARAMETER);
  if (const DWORD e = begin(*r, {request_state::received}); e != ERROR_SUCCESS) return fail(e);
  std::shared_ptr<http::client_exchange> ex;
  int receive_timeout;
  {
    std::lock_guard lock(r->mu);
    ex = r->exchange;
    receive_timeout = r->limits.receive;
  }
  auto got = std::make_shared<DWORD>(0);
  const std::span<std::byte> out(static_cast<std::byte*>(lpBuffer), dwNumberOfBytesToRead);
  const BOOL ok = run_step(*r, [r, ex, receive_timeout, got, out](std::function<void(DWORD)> finish) {
    ex->post([r, ex, receive_timeout, got, out, finish] {
      auto deliver = [r, got, out, finish](DWORD error) {
        end_sync_or_async(*r, finish, WINHTTP_CALLBACK_STATUS_READ_COMPLETE, API_READ_DATA, error, out.data(), *got);
      };
      bool from_ahead;  // delivered after the lock is released: the delivery takes it too
      {
        std::lock_guard lock(r->mu);
        const std::size_t ahead = r->body_ahead.size() - r->body_ahead_begin;
        from_ahead = ahead > 0 || r->body_end || out.empty();
        if (from_ahead) {
          const std::size_t n = std::min(ahead, out.size());
          if (n > 0) std::memcpy(out.data(), r->body_ahead.data() + r->body_ahead_begin, n);
          r->body_ahead_begin += n;
          *got = static_cast<DWORD>(n);
        }
      }
      if (from_ahead) return deliver(ERROR_SUCCESS);
      ex->read_body(out, ms(receive_timeout), [r, got, deliver](std::error_code ec, std::size_t n) {
        if (!ec && n == 0) {
          std::lock_guard lock(r->mu);
          r->body_end = true;
        }
        *got = static_cast<DWORD>(ec ? 0 : n);
        deliver(ec ? error_from(ec) : ERROR_SUCCESS);
      });
    });
  });
  if (ok && !r->async) *lpdwNumberOfBytesRead = *got;
  return ok;
}
