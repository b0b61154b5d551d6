#include "wsh_harness.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace wsh_test {

bytes action::data(ULONG i) const {
  const auto& d = buffers[i].Data;
  if (d.pbBuffer == nullptr) return {};
  return bytes(d.pbBuffer, d.pbBuffer + d.ulBufferLength);
}

bytes action::all_data() const {
  bytes out;
  for (ULONG i = 0; i < count; ++i) {
    const auto piece = data(i);
    out.insert(out.end(), piece.begin(), piece.end());
  }
  return out;
}

ULONG action::total() const {
  ULONG n = 0;
  for (ULONG i = 0; i < count; ++i) n += buffers[i].Data.ulBufferLength;
  return n;
}

action get_action(WEB_SOCKET_HANDLE h, WEB_SOCKET_ACTION_QUEUE queue, ULONG capacity) {
  action a;
  a.count = capacity;
  a.hr = WebSocketGetAction(h, queue, a.buffers, &a.count, &a.kind, &a.type, &a.app_context,
                            &a.action_context);
  return a;
}

WEB_SOCKET_HTTP_HEADER header(const char* name, const char* value) {
  WEB_SOCKET_HTTP_HEADER h{};
  h.pcName = const_cast<PCHAR>(name);
  h.ulNameLength = static_cast<ULONG>(std::strlen(name));
  h.pcValue = const_cast<PCHAR>(value);
  h.ulValueLength = static_cast<ULONG>(std::strlen(value));
  return h;
}

std::string header_value(const WEB_SOCKET_HTTP_HEADER* headers, ULONG count, std::string_view name) {
  for (ULONG i = 0; i < count; ++i) {
    const std::string_view n(headers[i].pcName, headers[i].ulNameLength);
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(), [](char x, char y) {
          return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
        })) {
      return std::string(headers[i].pcValue, headers[i].ulValueLength);
    }
  }
  return "<absent>";
}

namespace {

WEB_SOCKET_HANDLE make(bool client, const property_set& p) {
  WEB_SOCKET_PROPERTY props[4];
  ULONG n = 0;
  ULONG receive = p.receive_buffer;
  ULONG send = p.send_buffer;
  BOOL masking = p.disable_masking ? TRUE : FALSE;
  BOOL utf8 = p.disable_utf8 ? TRUE : FALSE;
  if (receive != 0) props[n++] = {WEB_SOCKET_RECEIVE_BUFFER_SIZE_PROPERTY_TYPE, &receive, sizeof receive};
  if (send != 0) props[n++] = {WEB_SOCKET_SEND_BUFFER_SIZE_PROPERTY_TYPE, &send, sizeof send};
  if (p.disable_masking) props[n++] = {WEB_SOCKET_DISABLE_MASKING_PROPERTY_TYPE, &masking, sizeof masking};
  if (p.disable_utf8) props[n++] = {WEB_SOCKET_DISABLE_UTF8_VERIFICATION_PROPERTY_TYPE, &utf8, sizeof utf8};
  WEB_SOCKET_HANDLE h = nullptr;
  const HRESULT hr = client ? WebSocketCreateClientHandle(n ? props : nullptr, n, &h)
                            : WebSocketCreateServerHandle(n ? props : nullptr, n, &h);
  EXPECT_EQ(hr, S_OK);
  return h;
}

}  // namespace

WEB_SOCKET_HANDLE make_client(const property_set& p) { return make(true, p); }
WEB_SOCKET_HANDLE make_server(const property_set& p) { return make(false, p); }

bool handshake(WEB_SOCKET_HANDLE client, WEB_SOCKET_HANDLE server, bool end_server) {
  WEB_SOCKET_HTTP_HEADER initial[] = {header("Host", "localhost:8080")};
  PWEB_SOCKET_HTTP_HEADER additional = nullptr;
  ULONG additional_count = 0;
  HRESULT hr = WebSocketBeginClientHandshake(client, nullptr, 0, nullptr, 0, initial, 1, &additional,
                                             &additional_count);
  EXPECT_EQ(hr, S_OK);
  if (FAILED(hr)) return false;
  // The request the application would write: its own headers, then the additional ones.
  std::vector<WEB_SOCKET_HTTP_HEADER> request(initial, initial + 1);
  request.insert(request.end(), additional, additional + additional_count);
  PWEB_SOCKET_HTTP_HEADER response = nullptr;
  ULONG response_count = 0;
  hr = WebSocketBeginServerHandshake(server, nullptr, nullptr, 0, request.data(),
                                     static_cast<ULONG>(request.size()), &response, &response_count);
  EXPECT_EQ(hr, S_OK);
  if (FAILED(hr)) return false;
  hr = WebSocketEndClientHandshake(client, response, response_count, nullptr, nullptr, nullptr);
  EXPECT_EQ(hr, S_OK);
  if (FAILED(hr)) return false;
  if (end_server) {
    hr = WebSocketEndServerHandshake(server);
    EXPECT_EQ(hr, S_OK);
    if (FAILED(hr)) return false;
  }
  return true;
}

WEB_SOCKET_HANDLE make_server_session(const property_set& p) {
  WEB_SOCKET_HANDLE client = make_client();
  WEB_SOCKET_HANDLE server = make_server(p);
  handshake(client, server);
  WebSocketDeleteHandle(client);
  return server;
}

WEB_SOCKET_HANDLE make_client_session(const property_set& p) {
  WEB_SOCKET_HANDLE client = make_client(p);
  WEB_SOCKET_HANDLE server = make_server();
  handshake(client, server);
  WebSocketDeleteHandle(server);
  return client;
}

bytes frame(std::uint8_t first_byte, const bytes& payload, const std::uint8_t* mask) {
  bytes out{first_byte};
  const std::uint8_t mask_bit = mask != nullptr ? 0x80 : 0x00;
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<std::uint8_t>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    out.push_back(mask_bit | 126);
    out.push_back(static_cast<std::uint8_t>(n >> 8));
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    out.push_back(mask_bit | 127);
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(std::uint64_t{n} >> (8 * i)));
  }
  if (mask != nullptr) out.insert(out.end(), mask, mask + 4);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(mask != nullptr ? static_cast<std::uint8_t>(payload[i] ^ mask[i % 4]) : payload[i]);
  }
  return out;
}

bytes masked_frame(std::uint8_t first_byte, const bytes& payload) {
  static const std::uint8_t key[4] = {0x11, 0x22, 0x33, 0x44};
  return frame(first_byte, payload, key);
}

bytes text(std::string_view s) { return bytes(s.begin(), s.end()); }

bool feed(WEB_SOCKET_HANDLE h, const bytes& data) {
  const action a = get_action(h, WEB_SOCKET_RECEIVE_ACTION_QUEUE, 1);
  EXPECT_EQ(a.hr, S_OK);
  EXPECT_EQ(a.kind, WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION);
  EXPECT_EQ(a.count, 1u);
  if (a.hr != S_OK || a.kind != WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION || a.count != 1) return false;
  EXPECT_GE(a.buffers[0].Data.ulBufferLength, data.size());
  if (a.buffers[0].Data.ulBufferLength < data.size()) return false;
  if (!data.empty()) std::memcpy(a.buffers[0].Data.pbBuffer, data.data(), data.size());
  WebSocketCompleteAction(h, a.action_context, static_cast<ULONG>(data.size()));
  return true;
}

std::size_t decode_frame(const bytes& wire, decoded_frame& out) {
  if (wire.size() < 2) return 0;
  out.first_byte = wire[0];
  out.masked = (wire[1] & 0x80) != 0;
  std::uint64_t n = wire[1] & 0x7F;
  std::size_t pos = 2;
  if (n == 126) {
    if (wire.size() < 4) return 0;
    n = (std::uint64_t{wire[2]} << 8) | wire[3];
    pos = 4;
  } else if (n == 127) {
    if (wire.size() < 10) return 0;
    n = 0;
    for (int i = 0; i < 8; ++i) n = (n << 8) | wire[2 + static_cast<std::size_t>(i)];
    pos = 10;
  }
  if (out.masked) {
    if (wire.size() < pos + 4) return 0;
    std::memcpy(out.mask, wire.data() + pos, 4);
    pos += 4;
  }
  if (wire.size() < pos + n) return 0;
  out.payload.assign(wire.begin() + static_cast<std::ptrdiff_t>(pos),
                     wire.begin() + static_cast<std::ptrdiff_t>(pos + n));
  if (out.masked) {
    for (std::size_t i = 0; i < out.payload.size(); ++i) out.payload[i] ^= out.mask[i % 4];
  }
  return pos + static_cast<std::size_t>(n);
}

bytes drain_send(WEB_SOCKET_HANDLE h) {
  bytes wire;
  for (int guard = 0; guard < 1 << 20; ++guard) {
    const action a = get_action(h, WEB_SOCKET_SEND_ACTION_QUEUE);
    EXPECT_EQ(a.hr, S_OK);
    if (a.hr != S_OK || a.kind == WEB_SOCKET_NO_ACTION) break;
    if (a.kind == WEB_SOCKET_SEND_TO_NETWORK_ACTION) {
      const auto d = a.all_data();
      wire.insert(wire.end(), d.begin(), d.end());
      WebSocketCompleteAction(h, a.action_context, a.total());
      continue;
    }
    EXPECT_EQ(a.kind, WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION);
    WebSocketCompleteAction(h, a.action_context, 0);
    break;
  }
  return wire;
}

// ---------------------------------------------------------------- in-memory pair

void post_receive(endpoint& e) {
  if (e.receive_posted) return;
  if (WebSocketReceive(e.h, nullptr, &e) == S_OK) e.receive_posted = true;
}

namespace {

std::size_t read_size(endpoint& e, std::size_t available, std::size_t room) {
  std::size_t n = std::min(available, room);
  if (e.max_read != 0) n = std::min(n, e.max_read);
  if (e.read_seed != 0) {
    e.read_seed = e.read_seed * 1103515245u + 12345u;
    n = 1 + (e.read_seed >> 8) % n;
  }
  return n;
}

bool try_fill_read(endpoint& e) {
  if (!e.read_pending || e.inbox_pos == e.inbox.size()) return false;
  const std::size_t n =
      read_size(e, e.inbox.size() - e.inbox_pos, e.read_buffer.Data.ulBufferLength);
  std::memcpy(e.read_buffer.Data.pbBuffer, e.inbox.data() + e.inbox_pos, n);
  e.inbox_pos += n;
  if (e.inbox_pos == e.inbox.size()) {
    e.inbox.clear();
    e.inbox_pos = 0;
  }
  e.read_pending = false;
  WebSocketCompleteAction(e.h, e.read_token, static_cast<ULONG>(n));
  return true;
}

bool step(endpoint& self, endpoint& peer) {
  bool progress = try_fill_read(self);
  if (self.keep_receiving) post_receive(self);
  for (;;) {
    action a = get_action(self.h, WEB_SOCKET_ALL_ACTION_QUEUE);
    EXPECT_EQ(a.hr, S_OK);
    if (a.hr != S_OK || a.kind == WEB_SOCKET_NO_ACTION) return progress;
    progress = true;
    switch (a.kind) {
      case WEB_SOCKET_SEND_TO_NETWORK_ACTION: {
        EXPECT_GE(a.count, 1u);
        EXPECT_LE(a.count, 2u);
        for (ULONG i = 0; i < a.count; ++i) {
          const auto& d = a.buffers[i].Data;
          peer.inbox.insert(peer.inbox.end(), d.pbBuffer, d.pbBuffer + d.ulBufferLength);
        }
        WebSocketCompleteAction(self.h, a.action_context, a.total());
        break;
      }
      case WEB_SOCKET_INDICATE_SEND_COMPLETE_ACTION:
        self.sends_completed.push_back(a.app_context);
        WebSocketCompleteAction(self.h, a.action_context, 0);
        break;
      case WEB_SOCKET_RECEIVE_FROM_NETWORK_ACTION:
        self.read_pending = true;
        self.read_buffer = a.buffers[0];
        self.read_token = a.action_context;
        try_fill_read(self);
        break;
      case WEB_SOCKET_INDICATE_RECEIVE_COMPLETE_ACTION: {
        delivery d;
        d.type = a.type;
        d.context = a.app_context;
        if (a.type == WEB_SOCKET_CLOSE_BUFFER_TYPE) {
          const auto& cs = a.buffers[0].CloseStatus;
          d.status = cs.usStatus;
          if (cs.pbReason != nullptr) d.data.assign(cs.pbReason, cs.pbReason + cs.ulReasonLength);
        } else {
          d.data = a.data(0);
          if (a.type != WEB_SOCKET_PING_PONG_BUFFER_TYPE) self.piece_sizes.push_back(d.data.size());
        }
        self.received.push_back(std::move(d));
        WebSocketCompleteAction(self.h, a.action_context, 0);
        self.receive_posted = false;
        if (self.keep_receiving && a.type != WEB_SOCKET_CLOSE_BUFFER_TYPE) post_receive(self);
        break;
      }
      default:
        ADD_FAILURE() << "unexpected action " << a.kind;
        return progress;
    }
  }
}

}  // namespace

std::size_t pump(endpoint& a, endpoint& b) {
  std::size_t rounds = 0;
  for (;;) {
    const bool pa = step(a, b);
    const bool pb = step(b, a);
    if (!pa && !pb) return rounds;
    ++rounds;
  }
}

std::vector<message> messages(const endpoint& e) {
  std::vector<message> out;
  bool open = false;
  for (const auto& d : e.received) {
    const bool data = d.type == WEB_SOCKET_UTF8_MESSAGE_BUFFER_TYPE ||
                      d.type == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE ||
                      d.type == WEB_SOCKET_BINARY_MESSAGE_BUFFER_TYPE ||
                      d.type == WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
    if (!data) continue;
    if (!open) out.push_back({});
    out.back().type = d.type;
    out.back().data.insert(out.back().data.end(), d.data.begin(), d.data.end());
    open = d.type == WEB_SOCKET_UTF8_FRAGMENT_BUFFER_TYPE ||
           d.type == WEB_SOCKET_BINARY_FRAGMENT_BUFFER_TYPE;
  }
  return out;
}

}  // namespace wsh_test
