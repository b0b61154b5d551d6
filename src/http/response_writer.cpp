#include "http/response_writer.hpp"

#include <algorithm>

#include "http/field_syntax.hpp"
#include "http/http_date.hpp"

namespace websock::http {
namespace {

bool writer_owns(std::string_view name) noexcept {
  for (const char* own : {"Content-Length", "Transfer-Encoding", "Connection", "Date", "Server"}) {
    if (core::iequals(name, own)) return true;
  }
  return false;
}

bool acceptable(const http_header& h) noexcept {
  return !h.name.empty() && std::all_of(h.name.begin(), h.name.end(), is_tchar) &&
         std::all_of(h.value.begin(), h.value.end(), is_field_char) && !writer_owns(h.name);
}

// RFC 9110 6.4.1: these never carry content.
bool has_no_body(int status) noexcept { return status < 200 || status == 204 || status == 304; }

}  // namespace

written_head write_head(const response_head& r, const reply_to& to, std::time_t now) {
  written_head out;
  if (r.status < 100 || r.status > 599 || !std::all_of(r.headers.begin(), r.headers.end(), acceptable)) {
    return out;
  }
  const bool no_body = has_no_body(r.status);
  // An HTTP/1.0 peer cannot read chunked framing: the body then ends when the connection does.
  const bool close_delimited = !no_body && r.body == response_body::chunked && to.version_minor == 0;
  out.ok = true;
  out.close_after = !to.keep_alive || close_delimited;
  out.send_body = !no_body && !to.head_request;
  out.chunked = out.send_body && r.body == response_body::chunked && !close_delimited;

  std::string& b = out.bytes;
  b.reserve(256);
  b += "HTTP/1.1 ";
  b += std::to_string(r.status);
  b += ' ';
  b += core::http_reason_phrase(r.status);
  b += "\r\nDate: ";
  b += format_http_date(now);
  b += "\r\nServer: websock\r\n";
  if (!no_body) {
    if (r.body == response_body::length) {
      b += "Content-Length: " + std::to_string(r.content_length) + "\r\n";
    } else if (!close_delimited) {
      b += "Transfer-Encoding: chunked\r\n";
    }
  }
  if (out.close_after) {
    b += "Connection: close\r\n";
  } else if (to.version_minor == 0) {
    b += "Connection: keep-alive\r\n";  // 1.0 persistence must be said (RFC 9112 9.3)
  }
  core::append_headers(b, r.headers);
  b += "\r\n";
  return out;
}

std::string write_response(const response_head& r, std::string_view body, const reply_to& to,
                           std::time_t now) {
  response_head sized = r;
  sized.body = response_body::length;
  sized.content_length = body.size();
  written_head h = write_head(sized, to, now);
  if (!h.ok) return {};
  if (h.send_body) h.bytes += body;
  return std::move(h.bytes);
}

std::string write_error(const parse_error& e, std::time_t now) {
  response_head r;
  r.status = e.status;
  r.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  std::string body(e.text);
  body += '\n';
  return write_response(r, body, reply_to{false, false, 1}, now);
}

std::string_view write_continue() noexcept { return "HTTP/1.1 100 Continue\r\n\r\n"; }

}  // namespace websock::http
