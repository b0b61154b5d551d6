// The channel's open phase: starting in either role, the core's events to the owner, and the
// thread-safe entry points (send, ping, close, abort, shutdown).
#include "channel/channel.hpp"

#include <future>

#include "websock/core/log_escape.hpp"
#include "websock/error.hpp"

namespace websock::runtime {
namespace {

std::atomic<std::uint64_t> next_id{1};

// A write buffer (or outbox) that grew past this for a big message is given back once written;
// below it, buffers stay while the connection is busy and trim() frees them once it is quiet.
constexpr std::size_t keep_write_capacity = 1024 * 1024;

core::connection_options connection_options_for(core::role role, const session_options& limits, channel_mode mode,
                                                 std::optional<core::deflate_session> deflate) {
  core::connection_options o;
  o.endpoint_role = role;
  o.max_message_size = limits.max_message_size;
  o.assemble_messages = mode == channel_mode::push;
  o.keep_output_capacity = keep_write_capacity;
  o.deflate = std::move(deflate);
  return o;
}

}  // namespace

channel::channel(std::shared_ptr<asio::io_context> ctx, net::any_stream stream, const channel_options& options)
    : ctx_holder_(std::move(ctx)),
      ctx_(*ctx_holder_),
      buffers_(net::loop_buffers::of(ctx_)),
      timers_(net::timer_queue::of(ctx_)),
      stream_(std::move(stream)),
      ws_(connection_options_for(options.role, options.limits, options.mode, options.deflate)),
      limits_(options.limits),
      id_(next_id.fetch_add(1, std::memory_order_relaxed)),
      budget_(options.budget),
      keepalive_pong_(options.keepalive_pong) {
  if (options.mode == channel_mode::pull) pull_ = std::make_unique<pull_state>();
  mode_ = options.mode;
  if (options.deflate) deflate_ = options.deflate->agreement;
  remote_ = net::remote_address(stream_);
  net::set_no_delay(stream_);
  net::set_non_blocking(stream_);
}

channel::~channel() {
  timers_.disarm(slot_);
  if (budget_) budget_->refund(budget_counted_);
}

bool channel::on_loop() const noexcept { return ctx_.get_executor().running_in_this_thread(); }

void channel::log(std::string_view text) {
  if (events_) events_->on_log(*this, text);
}

// ------------------------------------------------------------------ starting

void channel::start_server(std::shared_ptr<channel_events> events, std::string response, std::string target,
                           core::header_list request_headers, std::string subprotocol,
                           std::span<const std::byte> early) {
  head_out_ = std::move(response);
  request_headers_ = std::move(request_headers);
  open_at_once(std::move(events), std::move(target), std::move(subprotocol), early);
}

void channel::start_client_upgraded(std::shared_ptr<channel_events> events, std::string target,
                                    core::header_list response_headers, std::string subprotocol,
                                    std::span<const std::byte> early) {
  response_headers_ = std::move(response_headers);
  open_at_once(std::move(events), std::move(target), std::move(subprotocol), early);
}

void channel::open_at_once(std::shared_ptr<channel_events> events, std::string target, std::string subprotocol,
                           std::span<const std::byte> early) {
  events_ = std::move(events);
  target_ = std::move(target);
  subprotocol_ = std::move(subprotocol);
  started_ = timers_.now();
  in_handler_ = true;
  become_open();
  if (phase_ == phase::open && !early.empty()) feed_early(early);
  in_handler_ = false;
  after_io();
}

void channel::start_client(std::shared_ptr<channel_events> events, core::client_handshake_options request) {
  events_ = std::move(events);
  started_ = timers_.now();
  target_ = request.target;
  request.deflate = limits_.deflate;  // the offer, if enabled, and the check of the answer
  client_hs_ = std::make_unique<core::client_handshake>(std::move(request));
  if (client_hs_->done()) {  // the core refused the options: not one byte goes out
    failure_ = make_error_code(client_hs_->error());
    close_.reason = "refusing to send the upgrade request: " + failure_.message();
    return finish(failure_);
  }
  head_out_ = client_hs_->request();
  arm_timer();
  after_io();
}

void channel::on_response_bytes(std::span<std::byte> data) {
  const std::size_t used = client_hs_->feed(data);
  if (!client_hs_->done()) return;
  if (client_hs_->error() != core::errc::ok) {
    const auto& head = client_hs_->response();
    if (head.status != 0 && head.status != 101) {
      failure_ = make_error_code(errc::upgrade_rejected);
      // The reason phrase is the server's bytes, bound for the application's log: escaped and cut.
      close_.reason = "server refused the upgrade: HTTP " + std::to_string(head.status) + " " +
                      core::escape_for_log(head.reason);
    } else {
      failure_ = make_error_code(client_hs_->error());
      close_.reason = "bad handshake response: " + failure_.message();
    }
    return finish(failure_);
  }
  subprotocol_ = client_hs_->result().subprotocol;
  response_headers_ = client_hs_->response().headers;
  if (const auto& agreed = client_hs_->result().deflate) {
    // Nothing has been received or sent on this connection yet: it starts over with deflate on.
    deflate_ = agreed;
    ws_ = core::connection(connection_options_for(core::role::client, limits_, mode_,
                                                  core::session_for(limits_.deflate, *agreed)));
  }
  client_hs_.reset();
  become_open();
  if (phase_ == phase::open && used < data.size()) feed_early(data.subspan(used));
}

void channel::feed_early(std::span<const std::byte> data) {
  if (pull_) {
    pull_->in = std::make_unique_for_overwrite<std::byte[]>(std::max(data.size(), pull_in_size));
    std::copy(data.begin(), data.end(), pull_->in.get());
    pull_->begin = 0;
    pull_->end = data.size();
    return pump_pull();
  }
  // The bytes are the caller's (the front's read buffer, or ours): the core unmasks in place.
  std::vector<std::byte> copy(data.begin(), data.end());
  on_frames(copy);
}

void channel::become_open() {
  phase_ = phase::open;
  open_.store(true, std::memory_order_release);
  last_rx_ = timers_.now();
  arm_timer();
  if (events_) events_->on_open(*this);
}

// ------------------------------------------------------------------ the core's events

void channel::on_frames(std::span<std::byte> data) {
  auto keep = shared_from_this();  // an owner may drop its last handle inside a callback
  for (;;) {
    const std::size_t before = ws_.pending_output().size();
    const core::receive_result r = ws_.receive(data);
    account(before, 0);  // automatic pongs and close replies
    data = data.subspan(r.consumed);
    if (!deliver(r.ev)) return;
    // Backpressure between events, not only between reads: every message is delivered while
    // our output is at most half the limit, so an echo or a reply to it is always accepted
    // (a send is refused only once the buffer already holds the limit).
    if (output_backed_up() && !data.empty()) {
      held_in_.assign(data.begin(), data.end());
      return;
    }
  }
}

void channel::on_direct_input(std::size_t n) {
  auto keep = shared_from_this();
  const std::size_t before = ws_.pending_output().size();
  const core::receive_result r = ws_.receive_direct(n);
  account(before, 0);
  deliver(r.ev);
}

bool channel::deliver(const core::event& ev) {
  switch (ev.type) {
    case core::event_type::none:
      return false;
    case core::event_type::message:
      events_->on_message(*this, ev.kind, ev.payload);
      break;
    case core::event_type::ping:
      events_->on_ping(*this, ev.payload);
      break;
    case core::event_type::pong:
      note_pong();
      events_->on_pong(*this, ev.payload);
      break;
    case core::event_type::close:
      record_close(ev.code, ev.payload);
      break;
    case core::event_type::error:
      record_failure(ev.code, ev.error);
      break;
  }
  return phase_ != phase::closed;  // closed: the owner aborted in a callback
}

void channel::settle_budget() {
  if (!budget_) return;
  const std::size_t now = ws_.assembly_capacity();
  if (now == budget_counted_) return;
  if (now < budget_counted_) {
    budget_->refund(budget_counted_ - now);
    budget_counted_ = now;
    return;
  }
  const std::size_t grew = now - budget_counted_;
  budget_counted_ = now;
  if (budget_->charge(grew)) return;
  // Over the server's budget: this connection's message is the one that does not fit. It fails
  // with 1013 (Try Again Later) and its assembly memory goes back at once.
  const core::event ev = ws_.fail_from_outside(core::errc::overloaded);
  if (ev.type == core::event_type::error) record_failure(ev.code, ev.error);
  budget_->refund(budget_counted_ - ws_.assembly_capacity());
  budget_counted_ = ws_.assembly_capacity();
}

void channel::parse_held_input() {
  std::vector<std::byte> in;
  in.swap(held_in_);
  in_handler_ = true;
  on_frames(in);
  in_handler_ = false;
}

void channel::note_pong() {
  if (!ping_outstanding_) return;
  // The peer is alive: the next keep-alive ping is due one interval of silence from now, not at
  // the old ping's timeout.
  ping_outstanding_ = false;
  arm_timer();
}

void channel::record_close(std::uint16_t code, std::span<const std::byte> reason) {
  // RFC 6455 5.5.1: the core queued our reply (if we had not sent a close yet).
  close_recorded_ = true;
  close_.code = code;
  close_.reason.assign(reinterpret_cast<const char*>(reason.data()), reason.size());
  enter_closing();
}

void channel::record_failure(std::uint16_t code, core::errc error) {
  // The core failed the connection and queued the close frame with `code` (7.4.1, 7.1.7).
  close_recorded_ = true;
  close_.code = code;
  failure_ = make_error_code(error);
  log(remote_ + " protocol error: " + failure_.message());
  enter_closing();
}

// ------------------------------------------------------------------ any thread

template <class F>
void channel::post_on_loop(F&& f) {
  asio::post(ctx_, [self = shared_from_this(), f = std::forward<F>(f)]() mutable {
    self->in_handler_ = true;
    f(*self);
    self->in_handler_ = false;
    self->after_io();
  });
}

void channel::account(std::size_t before_pending, std::size_t reserved) noexcept {
  const std::size_t now = ws_.pending_output().size();
  if (now > before_pending) add_loop_bytes(now - before_pending);
  // A send posted from another thread reserved its bytes there; they are counted here now.
  if (reserved != 0) posted_bytes_.fetch_sub(reserved, std::memory_order_relaxed);
}

bool channel::reserve(std::size_t n) noexcept {
  std::size_t cur = posted_bytes_.load(std::memory_order_relaxed);
  do {
    if (cur + loop_bytes_.load(std::memory_order_relaxed) >= limits_.max_buffered_bytes) return false;
  } while (!posted_bytes_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  return true;
}

std::error_code channel::over_limit() {
  want_drain_.store(true, std::memory_order_relaxed);
  if (limits_.on_buffer_full == backpressure_policy::close_connection) {
    if (on_loop()) {
      close_on_loop(close_code::policy_violation, "send buffer full");
    } else {
      post_on_loop([](channel& c) { c.close_on_loop(close_code::policy_violation, "send buffer full"); });
    }
  }
  return make_error_code(errc::buffer_full);
}

std::error_code channel::send(core::message_kind kind, std::span<const std::byte> payload) {
  if (!is_open()) return make_error_code(errc::not_open);
  if (on_loop()) return send_on_loop(kind, payload, 0);
  const bool masked = ws_.endpoint_role() == core::role::client;
  const std::size_t frame = core::header_size(payload.size(), masked) + payload.size();
  if (!reserve(frame)) return over_limit();
  std::vector<std::byte> copy(payload.begin(), payload.end());
  post_on_loop([kind, copy = std::move(copy), frame](channel& c) { c.send_on_loop(kind, copy, frame); });
  return {};
}

std::error_code channel::send_on_loop(core::message_kind kind, std::span<const std::byte> payload,
                                      std::size_t reserved) {
  if (phase_ != phase::open) {
    if (reserved != 0) posted_bytes_.fetch_sub(reserved, std::memory_order_relaxed);
    return make_error_code(errc::not_open);
  }
  if (reserved == 0 && buffered() >= limits_.max_buffered_bytes) return over_limit();
  const std::size_t before = ws_.pending_output().size();
  if (const core::errc e = ws_.send(kind, payload); e != core::errc::ok) {
    if (reserved != 0) posted_bytes_.fetch_sub(reserved, std::memory_order_relaxed);
    return make_error_code(e);
  }
  account(before, reserved);
  // Over half the limit: tell the owner when it is empty again.
  if (buffered() > limits_.max_buffered_bytes / 2) want_drain_.store(true, std::memory_order_relaxed);
  schedule_flush();
  return {};
}

std::error_code channel::send(core::message_kind kind, shared_payload payload) {
  if (!is_open()) return make_error_code(errc::not_open);
  if (on_loop()) return send_shared_on_loop(kind, std::move(payload), 0);
  const bool masked = ws_.endpoint_role() == core::role::client;
  const std::size_t frame = core::header_size(payload.bytes.size(), masked) + payload.bytes.size();
  if (!reserve(frame)) return over_limit();
  post_on_loop([kind, p = std::move(payload), frame](channel& c) mutable {
    c.send_shared_on_loop(kind, std::move(p), frame);
  });
  return {};
}

std::error_code channel::send_shared_on_loop(core::message_kind kind, shared_payload payload, std::size_t reserved) {
  const std::size_t size = payload.bytes.size();
  if (phase_ != phase::open || !ws_.can_send_header_only(size)) return send_on_loop(kind, payload.bytes, reserved);
  if (reserved == 0 && buffered() >= limits_.max_buffered_bytes) return over_limit();
  const std::size_t before = ws_.pending_output().size();
  if (const core::errc e = ws_.send_header_only(kind, size); e != core::errc::ok) {
    if (reserved != 0) posted_bytes_.fetch_sub(reserved, std::memory_order_relaxed);
    return make_error_code(e);
  }
  if (!shared_) shared_ = std::make_unique<shared_output>();
  shared_->pending.push_back({ws_.pending_output().size(), std::move(payload)});
  account(before, reserved);
  add_loop_bytes(size);
  if (buffered() > limits_.max_buffered_bytes / 2) want_drain_.store(true, std::memory_order_relaxed);
  schedule_flush();
  return {};
}

shared_payload channel::share_received(std::span<const std::byte> payload) {
  if (auto taken = ws_.take_message_buffer(payload)) {
    std::shared_ptr<const std::byte[]> owner(std::move(taken));
    return {std::move(owner), payload};
  }
  return copy_to_shared(payload);
}

shared_payload copy_to_shared(std::span<const std::byte> bytes) {
  auto copy = std::make_shared<std::vector<std::byte>>(bytes.begin(), bytes.end());
  const std::span<const std::byte> view(*copy);
  return {std::move(copy), view};
}

std::error_code channel::ping(std::span<const std::byte> payload) {
  if (payload.size() > core::max_control_payload) return make_error_code(core::errc::control_payload_too_long);
  if (!is_open()) return make_error_code(errc::not_open);
  auto run = [](channel& c, std::span<const std::byte> p) -> std::error_code {
    if (c.phase_ != phase::open) return make_error_code(errc::not_open);
    const std::size_t before = c.ws_.pending_output().size();
    if (const auto e = c.ws_.send_ping(p); e != core::errc::ok) return make_error_code(e);
    c.account(before, 0);
    c.schedule_flush();
    return {};
  };
  if (on_loop()) return run(*this, payload);
  std::vector<std::byte> copy(payload.begin(), payload.end());
  post_on_loop([run, copy = std::move(copy)](channel& c) { run(c, copy); });
  return {};
}

std::error_code channel::close(std::uint16_t code, std::string_view reason) {
  if (const auto e = core::connection::check_close_to_send(code, reason); e != core::errc::ok) {
    return make_error_code(e);
  }
  if (!is_open()) return make_error_code(errc::not_open);
  if (on_loop()) {
    auto e = close_on_loop(code, reason);
    schedule_flush();
    return e;
  }
  post_on_loop([code, r = std::string(reason)](channel& c) { c.close_on_loop(code, r); });
  return {};
}

void channel::run_on_loop(std::function<void()> f) {
  if (on_loop()) return f();
  post_on_loop([f = std::move(f)](channel&) { f(); });
}

void channel::run_on_loop_and_wait(const std::function<void()>& f) {
  if (on_loop()) return f();
  std::promise<void> ran;
  post_on_loop([&](channel&) {
    f();
    ran.set_value();
  });
  ran.get_future().wait();
}

void channel::set_timers(std::chrono::milliseconds close_timeout, std::chrono::milliseconds keepalive) {
  run_on_loop([self = shared_from_this(), close_timeout, keepalive] {
    self->limits_.close_timeout = close_timeout;
    self->limits_.ping_interval = keepalive;
    if (self->phase_ != phase::closed) self->arm_timer();
  });
}

void channel::shutdown(std::uint16_t code, std::string reason) {
  if (finished()) return;
  post_on_loop([code, r = std::move(reason)](channel& c) { c.close_on_loop(code, r); });
}

void channel::abort() {
  if (finished()) return;
  if (on_loop()) return finish(make_error_code(errc::stopped));
  asio::post(ctx_, [self = shared_from_this()] { self->finish(make_error_code(errc::stopped)); });
}

}  // namespace websock::runtime
