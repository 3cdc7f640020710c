// isles::internal::xi: cross-interpreter queues and channels, without Python.
// Timings use generous bounds (the machines are noisy); every test that could
// hang on a bug runs under a Watchdog that aborts with a message instead.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "isles/internal/xi.h"

using namespace isles::internal::xi;
using namespace std::chrono_literals;

namespace {

constexpr auto kForever = std::nullopt;

Value int_value(std::int64_t i) {
    Value v;
    v.kind = Value::Kind::integer;
    v.integer = i;
    return v;
}

Value end_value(const std::shared_ptr<Channel> &c, Side side) {
    Value v;
    v.kind = Value::Kind::channel;
    v.channel = ChannelEnd(c, side, ChannelEnd::kInTransit);
    return v;
}

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Aborts the process if the scope is not left within `limit`: a deadlock
// fails loudly instead of hanging the suite.
class Watchdog {
  public:
    explicit Watchdog(std::chrono::seconds limit, const char *what = "test") : thread_([this, limit, what] {
          std::unique_lock lk(m_);
          if (!cv_.wait_for(lk, limit, [this] { return done_; })) {
              std::fprintf(stderr, "xi watchdog: %s still running after %llds, aborting\n", what,
                           (long long)limit.count());
              std::abort();
          }
      }) {}
    ~Watchdog() {
        {
            std::lock_guard g(m_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

  private:
    std::mutex m_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

// An InterruptCheck that reports when it was first called (which proves the
// caller is blocked) and answers `stop`.
struct Probe {
    std::atomic<int> calls{0};
    std::atomic<bool> stop{false};
    InterruptCheck check() {
        return [this] {
            ++calls;
            return stop.load();
        };
    }
    void wait_blocked() const {
        while (calls.load() == 0) std::this_thread::sleep_for(1ms);
    }
};

}  // namespace

// ---------------------------------------------------------------- basics

TEST(Xi, IdsAreUniqueAcrossQueuesAndChannels) {
    Queue q1(0);
    auto c1 = Channel::create();
    Queue q2(0);
    auto c2 = Channel::create();
    std::vector<std::int64_t> ids = {q1.id(), c1->id(), q2.id(), c2->id()};
    EXPECT_GE(ids[0], 1);
    for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_LT(ids[i - 1], ids[i]);
}

TEST(Xi, DeadlineAfter) {
    EXPECT_FALSE(deadline_after(std::nullopt).has_value());
    auto before = Clock::now();
    auto d0 = deadline_after(0.0);
    ASSERT_TRUE(d0);
    EXPECT_GE(*d0, before);
    EXPECT_LE(*d0, Clock::now());
    auto d = deadline_after(2.5);
    ASSERT_TRUE(d);
    EXPECT_GE(*d - before, 2500ms);
    EXPECT_LT(*d - before, 3500ms);
    auto neg = deadline_after(-1.0);  // negative: an immediate check
    EXPECT_LE(*neg, Clock::now());
    auto huge = deadline_after(1e300);  // clamped, no overflow
    EXPECT_GT(*huge, Clock::now() + 24h * 365);
}

TEST(Xi, Describe) {
    std::set<std::string> seen;
    for (Status s : {Status::ok, Status::empty, Status::full, Status::timeout, Status::closed, Status::interrupted,
                     Status::not_empty}) {
        std::string d = describe(s);
        EXPECT_FALSE(d.empty());
        EXPECT_TRUE(seen.insert(d).second) << d;
    }
    EXPECT_EQ(std::string(describe(Status::timeout)), "timed out");
}

// ---------------------------------------------------------------- Queue

TEST(XiQueue, PutGetInOrder) {
    Queue q(0);
    EXPECT_EQ(q.maxsize(), 0u);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(q.put(int_value(i), false, kForever), Status::ok);
    Value t;
    t.kind = Value::Kind::tuple;
    t.items = {int_value(7), Value{}};
    t.items[1].kind = Value::Kind::str;
    t.items[1].text = "h\xc3\xa9";
    ASSERT_EQ(q.put(std::move(t), false, kForever), Status::ok);
    EXPECT_EQ(q.size(), 6u);
    Value out;
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(q.get(out, false, kForever), Status::ok);
        EXPECT_EQ(out.kind, Value::Kind::integer);
        EXPECT_EQ(out.integer, i);
    }
    ASSERT_EQ(q.get(out, true, kForever), Status::ok);
    ASSERT_EQ(out.kind, Value::Kind::tuple);
    ASSERT_EQ(out.items.size(), 2u);
    EXPECT_EQ(out.items[0].integer, 7);
    EXPECT_EQ(out.items[1].text, "h\xc3\xa9");
    EXPECT_EQ(q.size(), 0u);
}

TEST(XiQueue, FullAndEmpty) {
    Watchdog dog(10s);
    Queue q(2);
    EXPECT_EQ(q.maxsize(), 2u);
    ASSERT_EQ(q.put(int_value(1), false, kForever), Status::ok);
    ASSERT_EQ(q.put(int_value(2), true, kForever), Status::ok);
    Value v = int_value(3);
    EXPECT_EQ(q.put(std::move(v), false, kForever), Status::full);
    EXPECT_EQ(v.integer, 3);  // not taken: still the caller's
    EXPECT_EQ(q.put(int_value(3), true, deadline_after(0.0)), Status::full);
    auto t0 = Clock::now();
    EXPECT_EQ(q.put(int_value(3), true, deadline_after(0.05)), Status::full);
    double waited = ms_since(t0);
    EXPECT_GE(waited, 45);
    EXPECT_LT(waited, 2000);
    EXPECT_EQ(q.size(), 2u);

    Value out;
    ASSERT_EQ(q.get(out, false, kForever), Status::ok);
    ASSERT_EQ(q.get(out, false, kForever), Status::ok);
    EXPECT_EQ(out.integer, 2);
    EXPECT_EQ(q.get(out, false, kForever), Status::empty);
    EXPECT_EQ(q.get(out, true, deadline_after(0.0)), Status::empty);
    t0 = Clock::now();
    EXPECT_EQ(q.get(out, true, deadline_after(0.05)), Status::empty);
    waited = ms_since(t0);
    EXPECT_GE(waited, 45);
    EXPECT_LT(waited, 2000);
    EXPECT_EQ(out.integer, 2);  // a failed get leaves `out` alone
}

TEST(XiQueue, BlockingGetWokenByPut) {
    Watchdog dog(10s);
    Queue q(0);
    Clock::time_point put_at;
    std::thread producer([&] {
        std::this_thread::sleep_for(60ms);
        put_at = Clock::now();
        q.put(int_value(42), true, kForever);
    });
    Value out;
    EXPECT_EQ(q.get(out, true, kForever), Status::ok);
    auto got_at = Clock::now();
    producer.join();
    EXPECT_EQ(out.integer, 42);
    EXPECT_GE(got_at, put_at);
}

TEST(XiQueue, BlockingPutWokenByGet) {
    Watchdog dog(10s);
    Queue q(1);
    ASSERT_EQ(q.put(int_value(1), true, kForever), Status::ok);
    std::thread consumer([&] {
        std::this_thread::sleep_for(60ms);
        Value out;
        EXPECT_EQ(q.get(out, true, kForever), Status::ok);
        EXPECT_EQ(out.integer, 1);
    });
    auto t0 = Clock::now();
    EXPECT_EQ(q.put(int_value(2), true, deadline_after(10.0)), Status::ok);
    EXPECT_GE(ms_since(t0), 40);
    consumer.join();
    Value out;
    ASSERT_EQ(q.get(out, false, kForever), Status::ok);
    EXPECT_EQ(out.integer, 2);
}

TEST(XiQueue, Unbounded) {
    Queue q(0);
    for (int i = 0; i < 20000; ++i) ASSERT_EQ(q.put(int_value(i), false, kForever), Status::ok);
    EXPECT_EQ(q.size(), 20000u);
    Value out;
    for (int i = 0; i < 20000; ++i) {
        ASSERT_EQ(q.get(out, false, kForever), Status::ok);
        ASSERT_EQ(out.integer, i);
    }
}

TEST(XiQueue, InterruptStopsGetAndPut) {
    Watchdog dog(10s);
    Queue q(1);
    int calls = 0;
    // The check calls back into the queue: it must run with the lock released.
    auto check = [&] { return ++calls >= 2 && q.size() == 0; };
    Value out;
    auto t0 = Clock::now();
    EXPECT_EQ(q.get(out, true, kForever, check), Status::interrupted);
    EXPECT_EQ(calls, 2);
    EXPECT_GE(ms_since(t0), 80);  // two 50 ms slices
    EXPECT_LT(ms_since(t0), 2000);

    ASSERT_EQ(q.put(int_value(1), false, kForever), Status::ok);
    calls = 0;
    Value v = int_value(2);
    EXPECT_EQ(q.put(std::move(v), true, kForever, [&] { return ++calls >= 1 && q.size() == 1; }),
              Status::interrupted);
    EXPECT_EQ(v.integer, 2);
    EXPECT_EQ(q.size(), 1u);

    // The deadline still applies between checks: timeout -> full.
    calls = 0;
    t0 = Clock::now();
    EXPECT_EQ(q.put(int_value(3), true, deadline_after(0.12), [&] { return ++calls, false; }), Status::full);
    EXPECT_GE(ms_since(t0), 110);
    EXPECT_GE(calls, 2);
}

TEST(XiQueue, InterruptibleGetStillWokenByPut) {
    Watchdog dog(10s);
    Queue q(0);
    Probe probe;
    std::thread producer([&] {
        probe.wait_blocked();
        q.put(int_value(5), true, kForever);
    });
    Value out;
    EXPECT_EQ(q.get(out, true, kForever, probe.check()), Status::ok);
    producer.join();
    EXPECT_EQ(out.integer, 5);
}

// ---------------------------------------------------------------- Channel

TEST(XiQueue, UnbindFollowsEachItemsRule) {
    Queue q(4);
    ASSERT_EQ(q.put(int_value(1), false, kForever, {}, Binding{7, Unbound::replace}), Status::ok);
    ASSERT_EQ(q.put(int_value(2), false, kForever, {}, Binding{7, Unbound::error}), Status::ok);
    ASSERT_EQ(q.put(int_value(3), false, kForever, {}, Binding{7, Unbound::remove}), Status::ok);
    ASSERT_EQ(q.put(int_value(4), false, kForever, {}, Binding{8, Unbound::remove}), Status::ok);
    EXPECT_EQ(q.unbind(7), 3u);
    EXPECT_EQ(q.unbind(7), 0u);  // once
    EXPECT_EQ(q.size(), 3u);
    Value out;
    std::optional<Unbound> unbound;
    ASSERT_EQ(q.get(out, false, kForever, {}, &unbound), Status::ok);
    EXPECT_EQ(unbound, Unbound::replace);
    EXPECT_EQ(out.kind, Value::Kind::none);
    ASSERT_EQ(q.get(out, false, kForever, {}, &unbound), Status::ok);
    EXPECT_EQ(unbound, Unbound::error);
    ASSERT_EQ(q.get(out, false, kForever, {}, &unbound), Status::ok);
    EXPECT_FALSE(unbound.has_value());
    EXPECT_EQ(out.integer, 4);
}

TEST(XiChannel, UnbindFollowsEachValuesRule) {
    auto c = Channel::create(Unbound::error);
    EXPECT_EQ(c->unbound(), Unbound::error);
    ChannelEnd s(c, Side::send, 1), r(c, Side::recv, 2);
    ASSERT_EQ(c->send(int_value(1), 1, false, kForever, {}, nullptr, Binding{5, Unbound::remove}), Status::ok);
    ASSERT_EQ(c->send(int_value(2), 1, false, kForever, {}, nullptr, Binding{5, Unbound::replace}), Status::ok);
    ASSERT_EQ(c->send(int_value(3), 1, false, kForever, {}, nullptr, Binding{6, Unbound::replace}), Status::ok);
    EXPECT_EQ(c->unbind(5), 2u);
    EXPECT_EQ(c->pending(), 2u);
    Value out;
    std::optional<Unbound> unbound;
    ASSERT_EQ(c->recv(out, 2, false, kForever, {}, &unbound), Status::ok);
    EXPECT_EQ(unbound, Unbound::replace);
    ASSERT_EQ(c->recv(out, 2, false, kForever, {}, &unbound), Status::ok);
    EXPECT_FALSE(unbound.has_value());
    EXPECT_EQ(out.integer, 3);
}

TEST(XiStress, UnbindWhileProducersAndConsumersRun) {
    // Under TSan this is the race check for unbind() against put/get (and the
    // waiters' spin before they sleep).
    Watchdog dog(60s);
    Queue q(64);
    std::atomic<bool> stop{false};
    std::atomic<long> got{0}, unbound_seen{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < 2; ++p)
        threads.emplace_back([&, p] {
            for (int i = 0; i < 20000; ++i)
                q.put(int_value(i), true, deadline_after(5.0), {}, Binding{p, i % 2 ? Unbound::remove : Unbound::replace});
        });
    std::thread consumer([&] {
        Value out;
        std::optional<Unbound> unbound;
        while (!stop || q.size()) {
            if (q.get(out, true, deadline_after(0.01), {}, &unbound) == Status::ok) (unbound ? unbound_seen : got)++;
        }
    });
    std::thread unbinder([&] {
        while (!stop) {
            q.unbind(0);
            q.unbind(1);
            std::this_thread::yield();
        }
    });
    for (auto &t : threads) t.join();
    stop = true;
    consumer.join();
    unbinder.join();
    EXPECT_GT(got + unbound_seen, 0);
    EXPECT_LE(got + unbound_seen, 40000);
}

TEST(XiChannel, Rendezvous) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r(c, Side::recv, 2);
    Clock::time_point sent_at, recv_at;
    Status st = Status::empty;
    std::thread sender([&] {
        st = c->send(int_value(9), 1, true, kForever);
        sent_at = Clock::now();
    });
    std::this_thread::sleep_for(80ms);
    EXPECT_EQ(c->pending(), 1u);
    recv_at = Clock::now();
    Value out;
    ASSERT_EQ(c->recv(out, 2, true, kForever), Status::ok);
    sender.join();
    EXPECT_EQ(st, Status::ok);
    EXPECT_EQ(out.integer, 9);
    EXPECT_GE(sent_at, recv_at);  // the send returned only after the receive began
    EXPECT_EQ(c->pending(), 0u);
}

TEST(XiChannel, SendTimeoutWithdraws) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r(c, Side::recv, 2);
    Value v = int_value(5);
    auto t0 = Clock::now();
    EXPECT_EQ(c->send(std::move(v), 1, true, deadline_after(0.05)), Status::timeout);
    EXPECT_GE(ms_since(t0), 45);
    EXPECT_LT(ms_since(t0), 2000);
    EXPECT_EQ(v.integer, 5);  // withdrawn: handed back to the caller
    EXPECT_EQ(c->pending(), 0u);
    Value out;
    EXPECT_EQ(c->recv(out, 2, false, kForever), Status::empty);
    EXPECT_EQ(c->send(int_value(6), 1, true, deadline_after(0.0)), Status::timeout);
    EXPECT_EQ(c->recv(out, 2, true, deadline_after(0.02)), Status::empty);
}

TEST(XiChannel, SendNowaitAndTakenAtOnce) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r(c, Side::recv, 2);
    bool at_once = true;
    ASSERT_EQ(c->send(int_value(1), 1, false, kForever, {}, &at_once), Status::ok);
    EXPECT_FALSE(at_once);
    EXPECT_EQ(c->pending(), 1u);
    ASSERT_EQ(c->send(int_value(2), 1, false, kForever), Status::ok);  // taken_at_once may be null
    Value out;
    ASSERT_EQ(c->recv(out, 2, false, kForever), Status::ok);
    EXPECT_EQ(out.integer, 1);
    ASSERT_EQ(c->recv(out, 2, false, kForever), Status::ok);
    EXPECT_EQ(out.integer, 2);

    Probe probe;  // its first call proves the receiver is blocked
    std::thread receiver([&] {
        Value got;
        EXPECT_EQ(c->recv(got, 2, true, kForever, probe.check()), Status::ok);
        EXPECT_EQ(got.integer, 3);
    });
    probe.wait_blocked();
    at_once = false;
    ASSERT_EQ(c->send(int_value(3), 1, false, kForever, {}, &at_once), Status::ok);
    receiver.join();
    EXPECT_TRUE(at_once);
}

TEST(XiChannel, RecvWithNoSendersIsClosed) {
    Watchdog dog(10s);
    auto c = Channel::create();
    Value out;
    EXPECT_EQ(c->holders(Side::send), 0u);
    EXPECT_EQ(c->recv(out, 2, true, kForever), Status::closed);  // no ends at all: never blocks

    // Values sent before the last sender left are still received, then closed.
    ChannelEnd r(c, Side::recv, 2);
    std::optional<ChannelEnd> s(std::in_place, c, Side::send, 1);
    ASSERT_EQ(c->send(int_value(1), 1, false, kForever), Status::ok);
    s.reset();
    EXPECT_EQ(c->recv(out, 2, true, kForever), Status::ok);
    EXPECT_EQ(c->recv(out, 2, true, kForever), Status::closed);
}

TEST(XiChannel, SendWithNoReceiverIsRefused) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1);
    Value v = int_value(7);
    EXPECT_EQ(c->send(std::move(v), 1, false, kForever), Status::closed);  // nobody could ever take it
    EXPECT_EQ(v.integer, 7);
    EXPECT_EQ(c->pending(), 0u);

    // A sender blocked for receipt wakes when the last receive end goes, and withdraws.
    std::optional<ChannelEnd> r(std::in_place, c, Side::recv, 2);
    std::thread sender([&] {
        Value w = int_value(8);
        EXPECT_EQ(c->send(std::move(w), 1, true, kForever), Status::closed);
        EXPECT_EQ(w.integer, 8);
    });
    while (c->pending() == 0) std::this_thread::sleep_for(1ms);
    r.reset();
    sender.join();
    EXPECT_EQ(c->pending(), 0u);
}

TEST(XiChannel, BlockedRecvWakesWhenSendersAreDestroyed) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s1(c, Side::send, 1);
    ChannelEnd s2 = s1;  // same owner, counted twice
    EXPECT_EQ(c->holders(Side::send), 2u);
    Status st = Status::ok;
    std::thread receiver([&] {
        Value out;
        st = c->recv(out, 2, true, kForever);  // no interrupt check: only a notify wakes it
    });
    std::this_thread::sleep_for(50ms);
    s1 = ChannelEnd();
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(c->holders(Side::send), 1u);
    { ChannelEnd gone = std::move(s2); }
    receiver.join();
    EXPECT_EQ(st, Status::closed);
    EXPECT_EQ(c->holders(Side::send), 0u);
}

TEST(XiChannel, Release) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s1(c, Side::send, 1), s3(c, Side::send, 3), r2(c, Side::recv, 2), r4(c, Side::recv, 4);
    EXPECT_EQ(c->holders(Side::send), 2u);
    c->release(Side::send, 1);
    EXPECT_EQ(c->holders(Side::send), 1u);  // owner 1 still holds an end, but released
    Value v = int_value(1);
    EXPECT_EQ(c->send(std::move(v), 1, false, kForever), Status::closed);
    EXPECT_EQ(v.integer, 1);
    EXPECT_EQ(c->pending(), 0u);
    ASSERT_EQ(c->send(int_value(2), 3, false, kForever), Status::ok);  // other owners go on

    c->release(Side::recv, 4);
    EXPECT_EQ(c->holders(Side::recv), 1u);
    Value out;
    EXPECT_EQ(c->recv(out, 4, false, kForever), Status::closed);
    ASSERT_EQ(c->recv(out, 2, false, kForever), Status::ok);
    EXPECT_EQ(out.integer, 2);

    // Releasing the last live send side wakes a blocked receiver with closed.
    Status st = Status::ok;
    std::thread receiver([&] {
        Value got;
        st = c->recv(got, 2, true, kForever);
    });
    std::this_thread::sleep_for(50ms);
    c->release(Side::send, 3);
    receiver.join();
    EXPECT_EQ(st, Status::closed);
    EXPECT_EQ(c->holders(Side::send), 0u);
    EXPECT_FALSE(c->is_closed());  // release is per owner, not a close
}

TEST(XiChannel, CloseForceWakesSendersAndReceivers) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r(c, Side::recv, 2);
    Status send_st = Status::ok, recv_st = Status::ok;
    std::thread sender([&] { send_st = c->send(int_value(1), 1, true, kForever); });
    while (c->pending() == 0) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(c->send(int_value(2), 1, false, kForever), Status::ok);
    EXPECT_EQ(c->close(false), Status::not_empty);
    EXPECT_FALSE(c->is_closed());
    EXPECT_EQ(c->pending(), 2u);
    EXPECT_EQ(c->close(true), Status::ok);
    sender.join();
    EXPECT_EQ(send_st, Status::closed);
    EXPECT_TRUE(c->is_closed());
    EXPECT_EQ(c->pending(), 0u);

    auto c2 = Channel::create();
    ChannelEnd s2(c2, Side::send, 1);
    std::thread receiver([&] {
        Value out;
        recv_st = c2->recv(out, 2, true, kForever);
    });
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(c2->close(true), Status::ok);
    receiver.join();
    EXPECT_EQ(recv_st, Status::closed);
}

TEST(XiChannel, CloseNotForce) {
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r_(c, Side::recv, 2);
    ASSERT_EQ(c->send(int_value(1), 1, false, kForever), Status::ok);
    EXPECT_EQ(c->close(false), Status::not_empty);
    EXPECT_FALSE(c->is_closed());
    Value out;
    ASSERT_EQ(c->recv(out, 2, false, kForever), Status::ok);  // nothing changed
    EXPECT_EQ(c->close(false), Status::ok);
    EXPECT_TRUE(c->is_closed());
    EXPECT_EQ(c->close(false), Status::ok);  // closing twice is fine
    EXPECT_EQ(c->close(true), Status::ok);
    Value v = int_value(3);
    EXPECT_EQ(c->send(std::move(v), 1, false, kForever), Status::closed);
    EXPECT_EQ(v.integer, 3);
    EXPECT_EQ(c->recv(out, 2, true, kForever), Status::closed);
    EXPECT_EQ(c->pending(), 0u);
}

TEST(XiChannel, InterruptStopsRecv) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r_(c, Side::recv, 2);
    int calls = 0;
    Value out;
    auto t0 = Clock::now();
    EXPECT_EQ(c->recv(out, 2, true, kForever, [&] { return ++calls == 2 && c->pending() == 0; }),
              Status::interrupted);
    EXPECT_EQ(calls, 2);
    EXPECT_GE(ms_since(t0), 80);
    // A ticket that arrives while the check runs stays for the next receiver.
    EXPECT_EQ(c->recv(out, 2, true, kForever, [&] { return c->send(int_value(4), 1, false, kForever), true; }),
              Status::interrupted);
    ASSERT_EQ(c->recv(out, 2, false, kForever), Status::ok);
    EXPECT_EQ(out.integer, 4);
}

TEST(XiChannel, InterruptStopsSendAndWithdraws) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r_(c, Side::recv, 2);
    Value v = int_value(8);
    EXPECT_EQ(c->send(std::move(v), 1, true, kForever, [&] { return c->pending() == 1; }), Status::interrupted);
    EXPECT_EQ(v.integer, 8);
    EXPECT_EQ(c->pending(), 0u);
    Value out;
    EXPECT_EQ(c->recv(out, 2, false, kForever), Status::empty);
}

TEST(XiChannel, SendTakenWhileCheckingInterruptsSucceeds) {
    Watchdog dog(10s);
    auto c = Channel::create();
    ChannelEnd s(c, Side::send, 1), r_(c, Side::recv, 2);
    Value got;
    // The check itself takes the value, then asks to stop: the send succeeded.
    auto take_then_stop = [&] { return c->recv(got, 2, false, kForever) == Status::ok; };
    EXPECT_EQ(c->send(int_value(11), 1, true, kForever, take_then_stop), Status::ok);
    EXPECT_EQ(got.integer, 11);
    EXPECT_EQ(c->pending(), 0u);
    // Same with a deadline that passes while the value is being taken.
    auto slow_take = [&] {
        std::this_thread::sleep_for(60ms);
        return c->recv(got, 2, false, kForever) == Status::ok;
    };
    EXPECT_EQ(c->send(int_value(12), 1, true, deadline_after(0.06), slow_take), Status::ok);
    EXPECT_EQ(got.integer, 12);
}

TEST(XiChannel, EndCounts) {
    auto c = Channel::create();
    std::weak_ptr<Channel> weak = c;
    {
        ChannelEnd a(c, Side::send, 1);
        EXPECT_TRUE(a);
        EXPECT_EQ(a.channel(), c);
        EXPECT_EQ(a.side(), Side::send);
        EXPECT_EQ(a.owner(), 1);
        ChannelEnd b = a;  // copy: same owner, held again
        EXPECT_EQ(c->holders(Side::send), 2u);
        ChannelEnd m = std::move(b);  // move: no change
        EXPECT_FALSE(b);
        EXPECT_EQ(c->holders(Side::send), 2u);
        ChannelEnd r(c, Side::recv, 2);
        EXPECT_EQ(c->holders(Side::recv), 1u);
        r = m;  // copy-assign drops the recv hold, adds a send hold
        EXPECT_EQ(c->holders(Side::recv), 0u);
        EXPECT_EQ(c->holders(Side::send), 3u);
        r = r;  // self-assignment changes nothing
        r = std::move(r);
        EXPECT_EQ(c->holders(Side::send), 3u);
        m = ChannelEnd();
        EXPECT_EQ(c->holders(Side::send), 2u);
        ChannelEnd empty;
        EXPECT_FALSE(empty);
        ChannelEnd empty2 = empty;
        EXPECT_FALSE(empty2);
    }
    EXPECT_EQ(c->holders(Side::send), 0u);
    // The last end may be the last reference: the channel dies with it.
    std::optional<ChannelEnd> last(std::in_place, std::move(c), Side::recv, 5);
    EXPECT_FALSE(weak.expired());
    last.reset();
    EXPECT_TRUE(weak.expired());
}

// ---------------------------------------------------------------- Values in transit

TEST(XiValue, ChannelEndsInTransit) {
    Watchdog dog(10s);
    auto c = Channel::create();
    auto q = std::make_shared<Queue>(0);
    ASSERT_EQ(q->put(end_value(c, Side::send), false, kForever), Status::ok);
    ASSERT_EQ(q->put(end_value(c, Side::recv), false, kForever), Status::ok);
    EXPECT_EQ(c->holders(Side::send), 1u);  // in-transit values count
    EXPECT_EQ(c->holders(Side::recv), 1u);
    Value out;
    ASSERT_EQ(q->get(out, false, kForever), Status::ok);
    EXPECT_EQ(out.channel.owner(), ChannelEnd::kInTransit);
    EXPECT_EQ(out.channel.side(), Side::send);
    Value copy = out;  // a copied value holds again
    EXPECT_EQ(c->holders(Side::send), 2u);
    copy = Value{};
    out = Value{};
    EXPECT_EQ(c->holders(Side::send), 0u);

    // A queue dropped with values inside releases their holds.
    std::weak_ptr<Channel> weak = c;
    c.reset();
    EXPECT_FALSE(weak.expired());  // kept alive by the in-transit recv end
    q.reset();
    EXPECT_TRUE(weak.expired());
}

TEST(XiValue, QueueInsideQueue) {
    auto outer = std::make_shared<Queue>(0);
    auto inner = std::make_shared<Queue>(3);
    ASSERT_EQ(inner->put(int_value(1), false, kForever), Status::ok);
    Value v;
    v.kind = Value::Kind::queue;
    v.queue = inner;
    ASSERT_EQ(outer->put(std::move(v), false, kForever), Status::ok);
    EXPECT_EQ(inner.use_count(), 2);
    std::weak_ptr<Queue> weak = inner;
    inner.reset();
    Value out;
    ASSERT_EQ(outer->get(out, false, kForever), Status::ok);
    ASSERT_EQ(out.kind, Value::Kind::queue);
    EXPECT_EQ(out.queue->maxsize(), 3u);
    EXPECT_EQ(out.queue->size(), 1u);
    ASSERT_EQ(outer->put(std::move(out), false, kForever), Status::ok);
    outer.reset();  // the inner queue dies with the outer one
    EXPECT_TRUE(weak.expired());
}

// A channel's own end inside its own tickets: its destruction takes the
// channel lock, so it must never die under it (a deadlock otherwise).
TEST(XiValue, OwnEndThroughOwnChannel) {
    Watchdog dog(10s);
    auto c = Channel::create();
    std::optional<ChannelEnd> keep(std::in_place, c, Side::recv, 9);  // someone could receive
    ASSERT_EQ(c->send(end_value(c, Side::send), 7, false, kForever), Status::ok);
    EXPECT_EQ(c->holders(Side::send), 1u);  // the in-transit end is a sender
    Value out = end_value(c, Side::recv);   // recv replaces a value holding an end of c
    ASSERT_EQ(c->recv(out, 2, true, kForever), Status::ok);
    EXPECT_EQ(out.channel.side(), Side::send);
    EXPECT_EQ(c->holders(Side::recv), 1u);
    ASSERT_EQ(c->send(std::move(out), 7, false, kForever), Status::ok);

    // Timeouts hand it back; close(force) drops it.
    EXPECT_EQ(c->send(end_value(c, Side::recv), 7, true, deadline_after(0.01)), Status::timeout);
    EXPECT_EQ(c->holders(Side::recv), 1u);
    EXPECT_EQ(c->close(true), Status::ok);
    EXPECT_EQ(c->holders(Side::send), 0u);
    keep.reset();

    // The same through a queue that is itself in a channel, dropped by close.
    auto c2 = Channel::create();
    ChannelEnd c2_receiver(c2, Side::recv, 9);
    auto q = std::make_shared<Queue>(0);
    ASSERT_EQ(q->put(end_value(c2, Side::send), false, kForever), Status::ok);
    Value qv;
    qv.kind = Value::Kind::queue;
    qv.queue = std::move(q);
    ASSERT_EQ(c2->send(std::move(qv), 7, false, kForever), Status::ok);
    EXPECT_EQ(c2->holders(Side::send), 1u);
    EXPECT_EQ(c2->close(true), Status::ok);
    EXPECT_EQ(c2->holders(Side::send), 0u);
}

TEST(XiChannel, ListOpen) {
    auto ids = [] {
        std::set<std::int64_t> s;
        for (auto &c : Channel::list_open()) s.insert(c->id());
        return s;
    };
    auto a = Channel::create(), b = Channel::create(), d = Channel::create();
    auto open = ids();
    EXPECT_TRUE(open.count(a->id()) && open.count(b->id()) && open.count(d->id()));
    std::int64_t bid = b->id(), did = d->id();
    a->close(false);
    b.reset();
    open = ids();
    EXPECT_FALSE(open.count(a->id()));
    EXPECT_FALSE(open.count(bid));
    EXPECT_TRUE(open.count(did));
    // Many short-lived channels: the registry is pruned, the live ones listed.
    for (int i = 0; i < 1000; ++i) Channel::create();
    open = ids();
    EXPECT_TRUE(open.count(did));
    EXPECT_LT(open.size(), 100u);
}

// ---------------------------------------------------------------- stress

namespace {

constexpr int kProducers = 4;

std::int64_t encode(int producer, int seq) { return std::int64_t(producer) << 32 | seq; }

// Checks what each consumer got: per producer in order, and all of it exactly once.
void check_received(const std::vector<std::vector<std::int64_t>> &per_consumer, int per_producer) {
    std::vector<std::vector<bool>> seen(kProducers, std::vector<bool>(per_producer, false));
    std::size_t total = 0;
    for (auto &got : per_consumer) {
        std::vector<std::int64_t> last(kProducers, -1);
        for (std::int64_t x : got) {
            int p = int(x >> 32), seq = int(x & 0xffffffff);
            ASSERT_TRUE(p >= 0 && p < kProducers && seq >= 0 && seq < per_producer) << x;
            ASSERT_GT(seq, last[p]) << "out of order from producer " << p;
            last[p] = seq;
            ASSERT_FALSE(seen[p][seq]) << "received twice: " << p << "/" << seq;
            seen[p][seq] = true;
        }
        total += got.size();
    }
    EXPECT_EQ(total, std::size_t(kProducers) * per_producer);
}

}  // namespace

TEST(XiStress, QueueManyProducersAndConsumers) {
    Watchdog dog(60s, "XiStress.QueueManyProducersAndConsumers");
    constexpr int kPer = 100000, kConsumers = 3;
    Queue q(1024);  // bounded, so producers block too
    std::vector<std::vector<std::int64_t>> got(kConsumers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kConsumers; ++i)
        threads.emplace_back([&, i] {
            got[i].reserve(kPer * kProducers);
            for (Value v;;) {
                ASSERT_EQ(q.get(v, true, kForever), Status::ok);
                if (v.kind == Value::Kind::none) return;  // sentinel
                got[i].push_back(v.integer);
            }
        });
    std::vector<std::thread> producers;
    for (int p = 0; p < kProducers; ++p)
        producers.emplace_back([&, p] {
            for (int s = 0; s < kPer; ++s) ASSERT_EQ(q.put(int_value(encode(p, s)), true, kForever), Status::ok);
        });
    for (auto &t : producers) t.join();
    for (int i = 0; i < kConsumers; ++i) ASSERT_EQ(q.put(Value{}, true, kForever), Status::ok);
    for (auto &t : threads) t.join();
    EXPECT_EQ(q.size(), 0u);
    check_received(got, kPer);
}

namespace {

// Producers own one send end each; consumers receive until `closed`, which
// comes once every producer's end is gone and the channel is drained.
void channel_stress(int per_producer, bool wait_for_receipt, int consumers) {
    auto c = Channel::create();
    std::vector<std::vector<std::int64_t>> got(consumers);
    std::vector<std::thread> threads;
    std::vector<ChannelEnd> ends, receivers;
    for (int p = 0; p < kProducers; ++p) ends.emplace_back(c, Side::send, 100 + p);
    // Receive ends exist before any send: a send nobody can receive is refused.
    for (int i = 0; i < consumers; ++i) receivers.emplace_back(c, Side::recv, 200 + i);
    for (int i = 0; i < consumers; ++i)
        threads.emplace_back([&, i, mine = std::move(receivers[i])] {
            for (Value v;;) {
                Status st = c->recv(v, 200 + i, true, kForever);
                if (st == Status::closed) return;
                ASSERT_EQ(st, Status::ok);
                got[i].push_back(v.integer);
            }
        });
    for (int p = 0; p < kProducers; ++p)
        threads.emplace_back([&, p, end = std::move(ends[p])] {
            for (int s = 0; s < per_producer; ++s)
                ASSERT_EQ(c->send(int_value(encode(p, s)), 100 + p, wait_for_receipt, kForever), Status::ok);
        });  // the end dies with the thread's lambda
    ends.clear();
    for (auto &t : threads) t.join();
    EXPECT_EQ(c->pending(), 0u);
    EXPECT_EQ(c->holders(Side::send), 0u);
    EXPECT_EQ(c->holders(Side::recv), 0u);
    check_received(got, per_producer);
}

}  // namespace

TEST(XiStress, ChannelSendNowait) {
    Watchdog dog(60s, "XiStress.ChannelSendNowait");
    channel_stress(100000, false, 3);
}

TEST(XiStress, ChannelSendWaitForReceipt) {
    Watchdog dog(60s, "XiStress.ChannelSendWaitForReceipt");
    channel_stress(20000, true, 2);
}

// Ends copied and dropped, channels listed and closed, all at once (for TSan).
TEST(XiStress, EndsListAndCloseConcurrently) {
    Watchdog dog(60s, "XiStress.EndsListAndCloseConcurrently");
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&, i] {
            for (int n = 0; n < 2000; ++n) {
                auto c = Channel::create();
                ChannelEnd s(c, Side::send, i), r(c, Side::recv, i);
                std::vector<ChannelEnd> copies(4, s);
                c->send(end_value(c, Side::recv), i, false, kForever);
                Value v;
                if (n % 2) c->recv(v, i, false, kForever);
                c->close(n % 3 == 0);
                c->close(true);  // a pending ticket holding an end of c would keep c alive forever
            }
        });
    threads.emplace_back([&] {
        while (!stop) Channel::list_open();
    });
    for (std::size_t i = 0; i + 1 < threads.size(); ++i) threads[i].join();
    stop = true;
    threads.back().join();
}
