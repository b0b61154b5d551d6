#include "net/timer_queue.hpp"

#include <future>
#include <utility>

namespace websock {

namespace {
class steady_clock_source final : public clock {
 public:
  time_point now() const noexcept override { return std::chrono::steady_clock::now(); }
};
}  // namespace

std::shared_ptr<const clock> clock::steady() {
  static const auto instance = std::make_shared<const steady_clock_source>();
  return instance;
}

}  // namespace websock

namespace websock::net {

timer_queue::timer_queue(asio::execution_context& ctx)
    : asio::execution_context::service(ctx),
      ctx_(static_cast<asio::io_context&>(ctx)),
      clock_(clock::steady()),
      wakeup_(ctx_),
      alive_(std::make_shared<bool>(true)) {}

timer_queue::~timer_queue() = default;

void timer_queue::shutdown() {
  alive_.reset();
  for (auto& it : heap_) it.slot->index = timer_slot::unarmed;
  heap_.clear();
}

void timer_queue::use_clock(std::shared_ptr<const clock> c) {
  if (!c) c = clock::steady();
  if (c == clock_) return;  // set again by every connection of the loop
  clock_ = std::move(c);
  if (clock_->is_manual()) {
    // The waker runs on the advancing thread: it hands the run to the loop (while the loop exists)
    // and waits for it, bounded in case the loop is no longer running.
    std::weak_ptr<bool> alive = alive_;
    asio::io_context* ctx = &ctx_;
    const_cast<clock&>(*clock_).subscribe([alive, ctx] {
      if (!alive.lock()) return;
      auto ran = std::make_shared<std::promise<void>>();
      auto done = ran->get_future();
      asio::post(*ctx, [ctx, ran] {
        timer_queue::of(*ctx).run_due();
        // Completions the timers caused (a cancelled read) wait in this handler's private queue
        // until it returns, behind anything posted meanwhile: signal two hops later, so that
        // they ran first (advance(0s) after a trim saw the buffers still held otherwise).
        asio::post(*ctx, [ctx, ran] { asio::post(*ctx, [ran] { ran->set_value(); }); });
      });
      done.wait_for(std::chrono::seconds(10));
    });
  }
}

void timer_queue::place(std::size_t i, item it) noexcept {
  heap_[i] = it;
  it.slot->index = i;
}

void timer_queue::sift_up(std::size_t i) noexcept {
  item it = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!(it.slot->at < heap_[parent].slot->at)) break;
    place(i, heap_[parent]);
    i = parent;
  }
  place(i, it);
}

void timer_queue::sift_down(std::size_t i) noexcept {
  item it = heap_[i];
  const std::size_t n = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap_[child + 1].slot->at < heap_[child].slot->at) ++child;
    if (!(heap_[child].slot->at < it.slot->at)) break;
    place(i, heap_[child]);
    i = child;
  }
  place(i, it);
}

void timer_queue::remove_at(std::size_t i) noexcept {
  heap_[i].slot->index = timer_slot::unarmed;
  const item last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;
  place(i, last);
  sift_down(i);
  sift_up(last.slot->index);
}

void timer_queue::arm(timer_slot& slot, timer_client& client, clock::time_point at) {
  if (slot.armed()) {
    const std::size_t i = slot.index;
    heap_[i].client = &client;
    slot.at = at;
    sift_down(i);
    sift_up(slot.index);
  } else {
    slot.at = at;
    heap_.push_back({&slot, &client});
    slot.index = heap_.size() - 1;
    sift_up(slot.index);
  }
  if (heap_.front().slot == &slot) rearm_wakeup();
}

void timer_queue::disarm(timer_slot& slot) noexcept {
  // An unarmed slot touches nothing of the queue: its owner may be destroyed on another thread
  // (the last handle to a finished channel), and only the slot's own state is read then.
  if (!slot.armed()) return;
  remove_at(slot.index);
  // With slots left the wake-up stays (at worst it fires early, finds nothing due and re-arms).
  // With none it goes: a loop must be able to run out of work and return.
  if (heap_.empty() && wakeup_armed_) {
    wakeup_armed_ = false;
    wakeup_.cancel();
  }
}

void timer_queue::rearm_wakeup() {
  if (heap_.empty() || clock_->is_manual()) return;
  const auto at = heap_.front().slot->at;
  // A wake-up at or before the earliest deadline is already set: run_due re-arms from there.
  if (wakeup_armed_ && wakeup_at_ <= at) return;
  wakeup_armed_ = true;
  wakeup_at_ = at;
  wakeup_.expires_at(at);
  wakeup_.async_wait([this](std::error_code ec) {
    if (ec == asio::error::operation_aborted) return;
    wakeup_armed_ = false;
    run_due();
  });
}

void timer_queue::run_due() {
  const auto now = clock_->now();
  // Each client may re-arm itself (or others) while running; take one due slot at a time.
  while (!heap_.empty() && !(now < heap_.front().slot->at)) {
    const item it = heap_.front();
    remove_at(0);
    it.client->on_deadline();
  }
  if (heap_.empty() && wakeup_armed_) {
    wakeup_armed_ = false;
    wakeup_.cancel();
  }
  rearm_wakeup();
}

}  // namespace websock::net
