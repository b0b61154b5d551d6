// The multi-threaded server under load from several threads: 4 worker loops, clients (each with
// its own loop thread) sending from several application threads at once, a /chat route that
// broadcasts every message to every member across loops, echo traffic beside it, and the server
// stopped while connections are open. Run under the tsan preset (label tsan) to catch races;
// in every build it checks that nothing is lost, duplicated or reordered per sender.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "recorder.hpp"
#include "websock/websock.hpp"

namespace websock::test {
namespace {

class room {
 public:
  void join(const connection& c) {
    std::lock_guard lock(mu_);
    members_.push_back(c);
  }
  void leave(const connection& c) {
    std::lock_guard lock(mu_);
    std::erase(members_, c);
  }
  void broadcast(const message& m) {
    std::vector<connection> to;
    {
      std::lock_guard lock(mu_);
      to = members_;
    }
    for (const auto& c : to) c.send(m.kind, m.data);  // other members live on other loops
  }
  std::size_t size() {
    std::lock_guard lock(mu_);
    return members_.size();
  }

 private:
  std::mutex mu_;
  std::vector<connection> members_;
};

// What one chat member received: per sender, the sequence numbers in arrival order.
struct inbox {
  std::mutex mu;
  std::condition_variable cv;
  std::map<int, std::vector<int>> by_sender;
  int total = 0;
  int closes = 0;
};

TEST(Threads, BroadcastAcrossLoopsFromManySendingThreads) {
  constexpr int members = 6;
  constexpr int senders = 3;  // application threads sending through every member's connection
  constexpr int per_sender = 100;
  constexpr int total_per_member = members * senders * per_sender;

  room chat;
  std::atomic<int> server_closes{0};
  server srv({.threads = 4});
  srv.route("/chat", {.callbacks = {.on_open = [&](connection& c) { chat.join(c); },
                                    .on_message = [&](connection&, const message& m) { chat.broadcast(m); },
                                    .on_close = [&](connection& c, const close_info&) {
                                      chat.leave(c);
                                      ++server_closes;
                                    }}});
  srv.route("/echo", {.callbacks = {.on_message = [](connection& c, const message& m) { c.send(m.kind, m.data); }}});
  srv.listen("127.0.0.1", 0);
  srv.start();
  const std::string base = "ws://127.0.0.1:" + std::to_string(srv.port());

  std::vector<std::unique_ptr<client>> clients;
  std::vector<std::unique_ptr<inbox>> inboxes;
  std::vector<connection> conns;
  for (int i = 0; i < members; ++i) {
    clients.push_back(std::make_unique<client>());
    inboxes.push_back(std::make_unique<inbox>());
    inbox* box = inboxes.back().get();
    clients.back()->callbacks().on_message = [box](connection&, const message& m) {
      // "member:sender:seq"
      const std::string_view t = m.text();
      const auto a = t.find(':');
      const auto b = t.find(':', a + 1);
      const int key = std::stoi(std::string(t.substr(0, a))) * 100 + std::stoi(std::string(t.substr(a + 1, b - a - 1)));
      const int seq = std::stoi(std::string(t.substr(b + 1)));
      std::lock_guard lock(box->mu);
      box->by_sender[key].push_back(seq);
      ++box->total;
      box->cv.notify_all();
    };
    clients.back()->callbacks().on_close = [box](connection&, const close_info&) {
      std::lock_guard lock(box->mu);
      ++box->closes;
      box->cv.notify_all();
    };
    conns.push_back(clients.back()->connect_and_wait(base + "/chat"));
  }
  for (int i = 0; i < 500 && chat.size() != members; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(chat.size(), static_cast<std::size_t>(members));

  // Echo traffic on other connections while the chat runs, from the main thread's client.
  recorder echo_side;
  client echo_client;
  echo_client.callbacks() = echo_side.make();
  connection echo_conn = echo_client.connect_and_wait(base + "/echo");

  std::vector<std::thread> threads;
  std::atomic<int> send_errors{0};
  for (int s = 0; s < senders; ++s) {
    threads.emplace_back([&, s] {
      for (int k = 0; k < per_sender; ++k) {
        for (int m = 0; m < members; ++m) {
          const std::string text = std::to_string(m) + ":" + std::to_string(s) + ":" + std::to_string(k);
          if (conns[static_cast<std::size_t>(m)].send_text(text)) ++send_errors;
          (void)conns[static_cast<std::size_t>(m)].buffered_amount();
          (void)conns[static_cast<std::size_t>(m)].is_open();
        }
      }
    });
  }
  for (int k = 0; k < 200; ++k) echo_conn.send_text("echo " + std::to_string(k));
  for (auto& t : threads) t.join();
  EXPECT_EQ(send_errors.load(), 0);

  for (int i = 0; i < members; ++i) {
    inbox& box = *inboxes[static_cast<std::size_t>(i)];
    std::unique_lock lock(box.mu);
    ASSERT_TRUE(box.cv.wait_for(lock, 60s, [&] { return box.total >= total_per_member; }))
        << "member " << i << " got " << box.total << " of " << total_per_member;
    EXPECT_EQ(box.total, total_per_member);
    // Messages sent through one connection from one thread keep their order, and the
    // broadcast keeps it per connection: each (member, sender) stream arrives as 0..n-1.
    ASSERT_EQ(box.by_sender.size(), static_cast<std::size_t>(members * senders));
    for (const auto& [key, seqs] : box.by_sender) {
      ASSERT_EQ(seqs.size(), static_cast<std::size_t>(per_sender)) << key;
      for (int k = 0; k < per_sender; ++k) ASSERT_EQ(seqs[static_cast<std::size_t>(k)], k) << key;
    }
  }
  ASSERT_TRUE(echo_side.wait([&] { return echo_side.messages.size() == 200; }, 30s));
  for (int k = 0; k < 200; ++k) EXPECT_EQ(echo_side.messages[static_cast<std::size_t>(k)].data, "echo " + std::to_string(k));

  // A graceful stop with everything open: each client sees 1001, the server reports every close.
  srv.stop();
  for (int i = 0; i < members; ++i) {
    inbox& box = *inboxes[static_cast<std::size_t>(i)];
    std::unique_lock lock(box.mu);
    EXPECT_TRUE(box.cv.wait_for(lock, 10s, [&] { return box.closes == 1; }));
  }
  EXPECT_EQ(server_closes.load(), members);
  EXPECT_EQ(srv.connection_count(), 0u);
}

}  // namespace
}  // namespace websock::test
