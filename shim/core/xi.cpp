// Cross-interpreter queues and channels; see include/isles/internal/xi.h.
//
// Two rules hold throughout:
//  - no lock is held while calling an InterruptCheck (it runs Python signal
//    handlers, which may call back into this code);
//  - no lock is held while a Value dies: a Value may hold ChannelEnds (whose
//    destructor takes a channel lock, perhaps of this very channel) or the
//    last reference to a Queue or Channel. Values are moved out under the
//    lock and destroyed after unlocking.
#include "isles/internal/xi.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace isles::internal::xi {
namespace {

std::atomic<std::int64_t> next_id{1};  // shared by queues and channels

constexpr auto kSlice = std::chrono::milliseconds(50);  // longest wait between interrupt checks
constexpr auto kSpin = std::chrono::microseconds(20);    // see spin_budget()
constexpr double kMaxSeconds = 1e9;                      // ~31 years: keeps now + s from overflowing

int index(Side s) { return s == Side::send ? 0 : 1; }

// How long a waiter spins before it sleeps. A sleeping thread takes tens of
// microseconds to wake up (the futex wake-up and the scheduler), which is
// most of a round trip between cores; a reply that comes within the spin is
// taken at once. Bounded, and never with a GIL held (callers release it);
// none on one CPU, where spinning only delays the thread that would reply.
std::chrono::nanoseconds spin_budget() {
    static const std::chrono::nanoseconds budget = [] {
        if (std::thread::hardware_concurrency() < 2) return std::chrono::nanoseconds(0);
        if (const char *env = std::getenv("ISLES_SPIN_US"))
            return std::chrono::nanoseconds(std::max(0LL, std::atoll(env)) * 1000);
        return std::chrono::nanoseconds(kSpin);
    }();
    return budget;
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#endif
}

// Waits on `cv` (lk held) until ready(): ok, timeout or interrupted; lk is
// held again on return, also when `interrupted` throws.
template <class Ready>
Status wait_ready(std::unique_lock<std::mutex> &lk, std::condition_variable &cv, const Deadline &deadline,
                  const InterruptCheck &interrupted, Ready ready) {
    if (auto budget = spin_budget(); budget.count() && !ready()) {
        auto end = Clock::now() + budget;
        if (deadline && *deadline < end) end = *deadline;
        do {
            lk.unlock();
            for (int i = 0; i < 32; ++i) cpu_relax();
            std::this_thread::yield();  // on one core with the replier, let it run
            lk.lock();
            if (ready()) return Status::ok;
        } while (Clock::now() < end);
    }
    if (!interrupted) {  // nothing to poll: only a notify or the deadline wakes us
        if (!deadline) {
            cv.wait(lk, ready);
            return Status::ok;
        }
        return cv.wait_until(lk, *deadline, ready) ? Status::ok : Status::timeout;
    }
    for (;;) {
        auto until = Clock::now() + kSlice;
        if (deadline && *deadline < until) until = *deadline;
        if (cv.wait_until(lk, until, ready)) return Status::ok;
        if (deadline && Clock::now() >= *deadline) return Status::timeout;
        lk.unlock();
        bool stop;
        try {
            stop = interrupted();
        } catch (...) {
            lk.lock();
            throw;
        }
        lk.lock();
        if (stop) return Status::interrupted;
    }
}

// Holders of one side, not counting owners that released it.
std::size_t live(const std::map<std::int64_t, std::size_t> &holders, const std::set<std::int64_t> &released) {
    std::size_t n = 0;
    for (auto &[owner, count] : holders)
        if (!released.count(owner)) n += count;
    return n;
}

// Every live channel, for list_open(). Leaked on purpose so that a channel
// outliving static destruction never meets a dead registry.
WeakRegistry<Channel> &registry() {
    static auto *r = new WeakRegistry<Channel>;
    return *r;
}

}  // namespace

Deadline deadline_after(std::optional<double> seconds) {
    if (!seconds) return std::nullopt;
    double s = *seconds;
    if (!(s > 0)) s = 0;  // negative or NaN: an immediate check
    if (s > kMaxSeconds) s = kMaxSeconds;
    return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

const char *describe(Status s) {
    switch (s) {
        case Status::ok: return "ok";
        case Status::empty: return "empty";
        case Status::full: return "full";
        case Status::timeout: return "timed out";
        case Status::closed: return "closed";
        case Status::interrupted: return "interrupted";
        case Status::not_empty: return "values still pending";
    }
    return "unknown status";
}

// ---------------------------------------------------------------- Queue

Queue::Queue(std::size_t maxsize) : id_(next_id++), maxsize_(maxsize) {}

Status Queue::put(Value &&value, bool block, Deadline deadline, const InterruptCheck &interrupted,
                  Binding binding) {
    {
        std::unique_lock lk(lock_);
        if (maxsize_ && items_.size() >= maxsize_) {
            if (!block) return Status::full;
            Status st = wait_ready(lk, not_full_, deadline, interrupted,
                                   [&] { return items_.size() < maxsize_; });
            if (st != Status::ok) return st == Status::timeout ? Status::full : st;  // value stays with the caller
        }
        items_.push_back(Item{std::move(value), binding});
    }
    not_empty_.notify_one();
    return Status::ok;
}

Status Queue::get(Value &out, bool block, Deadline deadline, const InterruptCheck &interrupted,
                  std::optional<Unbound> *unbound) {
    Item item;
    {
        std::unique_lock lk(lock_);
        if (items_.empty()) {
            if (!block) return Status::empty;
            Status st = wait_ready(lk, not_empty_, deadline, interrupted, [&] { return !items_.empty(); });
            if (st != Status::ok) return st == Status::timeout ? Status::empty : st;
        }
        item = std::move(items_.front());
        items_.pop_front();
    }
    if (maxsize_) not_full_.notify_one();
    if (unbound) *unbound = item.unbound ? std::optional<Unbound>(item.binding.rule) : std::nullopt;
    out = std::move(item.value);  // out's old contents die here, unlocked
    return Status::ok;
}

std::size_t Queue::unbind(std::int64_t owner) {
    std::vector<Value> dropped;  // destroyed after the lock is released
    std::size_t removed = 0, count = 0;
    {
        std::lock_guard g(lock_);
        for (auto it = items_.begin(); it != items_.end();) {
            if (it->binding.owner != owner || it->unbound) {
                ++it;
                continue;
            }
            ++count;
            dropped.push_back(std::move(it->value));
            if (it->binding.rule == Unbound::remove) {
                it = items_.erase(it);
                ++removed;
            } else {
                it->value = Value{};
                it->unbound = true;
                ++it;
            }
        }
    }
    if (removed && maxsize_) not_full_.notify_all();
    return count;
}

std::size_t Queue::size() const {
    std::lock_guard g(lock_);
    return items_.size();
}

void Queue::after_fork_in_child() {
    new (&lock_) std::mutex;
    new (&not_empty_) std::condition_variable;
    new (&not_full_) std::condition_variable;
}

// ---------------------------------------------------------------- Channel

Channel::Channel(Unbound unbound) : id_(next_id++), unbound_(unbound) {}

std::shared_ptr<Channel> Channel::create(Unbound unbound) {
    std::shared_ptr<Channel> c(new Channel(unbound));  // the constructor is private: no make_shared
    registry().add(c->id(), c);
    return c;
}

std::shared_ptr<Channel> Channel::find(std::int64_t id) { return registry().find(id); }

void Channel::after_fork_in_child(std::int64_t survivor) {
    registry().after_fork_in_child();
    for (const std::shared_ptr<Channel> &c : registry().live()) {
        new (&c->lock_) std::mutex;
        new (&c->changed_) std::condition_variable;
        c->waiting_receivers_ = 0;
        for (auto &side : c->holders_)
            for (auto it = side.begin(); it != side.end();)
                it = it->first == survivor || it->first == ChannelEnd::kInTransit ? std::next(it) : side.erase(it);
    }
}

std::vector<std::shared_ptr<Channel>> Channel::list_open() {
    std::vector<std::shared_ptr<Channel>> alive = registry().live();
    // Filtered outside the registry lock: dropping a reference may destroy a channel.
    alive.erase(std::remove_if(alive.begin(), alive.end(), [](auto &c) { return c->is_closed(); }), alive.end());
    return alive;
}

Status Channel::send(Value &&value, std::int64_t owner, bool wait_for_receipt, Deadline deadline,
                     const InterruptCheck &interrupted, bool *taken_at_once, Binding binding) {
    auto t = std::make_shared<Ticket>();  // allocated before locking
    t->value = std::move(value);
    t->binding = binding;
    std::unique_lock lk(lock_);
    // A value the channel did not keep goes back into `value`, to die unlocked in the caller.
    auto give_back = [&](Status st) {
        auto it = std::find(tickets_.begin(), tickets_.end(), t);
        if (it != tickets_.end()) tickets_.erase(it);
        lk.unlock();
        value = std::move(t->value);
        return st;
    };
    auto no_receivers = [&] { return live(holders_[index(Side::recv)], released_[index(Side::recv)]) == 0; };
    // Nobody can ever receive it: refuse now rather than lose it.
    if (closed_ || released_[index(Side::send)].count(owner) || no_receivers()) return give_back(Status::closed);
    if (taken_at_once) *taken_at_once = waiting_receivers_ > 0;
    tickets_.push_back(t);
    if (!wait_for_receipt) {
        lk.unlock();
        changed_.notify_all();
        return Status::ok;
    }
    changed_.notify_all();
    Status st;
    try {
        st = wait_ready(lk, changed_, deadline, interrupted,
                        [&] { return t->taken || t->dropped || no_receivers(); });
    } catch (...) {
        if (!t->taken && !t->dropped) give_back(Status::interrupted);
        throw;
    }
    if (t->taken) return Status::ok;  // also when taken while we timed out or checked for interrupts
    if (t->dropped) return Status::closed;
    if (no_receivers()) return give_back(Status::closed);  // the last receiver went away: withdrawn
    return give_back(st);  // timeout or interrupted: withdrawn
}

Status Channel::recv(Value &out, std::int64_t owner, bool block, Deadline deadline,
                     const InterruptCheck &interrupted, std::optional<Unbound> *unbound) {
    Value v;
    std::shared_ptr<Ticket> t;  // declared before the lock, so it dies unlocked
    {
        std::unique_lock lk(lock_);
        auto &senders = holders_[index(Side::send)];
        auto &gone = released_[index(Side::send)];
        auto &mine = released_[index(Side::recv)];
        for (;;) {
            if (closed_ || mine.count(owner)) return Status::closed;
            if (!tickets_.empty()) break;
            if (live(senders, gone) == 0) return Status::closed;  // nobody can ever send again
            if (!block) return Status::empty;
            ++waiting_receivers_;
            Status st;
            try {
                st = wait_ready(lk, changed_, deadline, interrupted, [&] {
                    return closed_ || !tickets_.empty() || mine.count(owner) || live(senders, gone) == 0;
                });
            } catch (...) {
                --waiting_receivers_;
                throw;
            }
            --waiting_receivers_;
            if (st == Status::timeout) return Status::empty;
            if (st != Status::ok) return st;
        }
        t = std::move(tickets_.front());
        tickets_.pop_front();
        v = std::move(t->value);
        t->taken = true;
        if (unbound) *unbound = t->unbound ? std::optional<Unbound>(t->binding.rule) : std::nullopt;
    }
    changed_.notify_all();  // wakes the sender waiting for receipt
    out = std::move(v);     // out's old contents die here, unlocked
    return Status::ok;
}

std::size_t Channel::unbind(std::int64_t owner) {
    std::vector<Value> dropped;  // destroyed after the lock is released
    std::size_t count = 0;
    {
        std::lock_guard g(lock_);
        for (auto it = tickets_.begin(); it != tickets_.end();) {
            Ticket &t = **it;
            if (t.binding.owner != owner || t.unbound) {
                ++it;
                continue;
            }
            ++count;
            dropped.push_back(std::move(t.value));
            t.value = Value{};
            if (t.binding.rule == Unbound::remove) {
                t.dropped = true;
                it = tickets_.erase(it);
            } else {
                t.unbound = true;
                ++it;
            }
        }
    }
    if (count) changed_.notify_all();
    return count;
}

Status Channel::close(bool force) {
    std::vector<Value> dropped;  // destroyed after the lock is released (declared first)
    {
        std::lock_guard g(lock_);
        if (!force && !tickets_.empty()) return Status::not_empty;
        closed_ = true;
        dropped.reserve(tickets_.size());
        for (auto &t : tickets_) {
            dropped.push_back(std::move(t->value));
            t->dropped = true;
        }
        tickets_.clear();
    }
    changed_.notify_all();
    return Status::ok;
}

void Channel::release(Side side, std::int64_t owner) {
    {
        std::lock_guard g(lock_);
        released_[index(side)].insert(owner);
    }
    changed_.notify_all();  // a receiver may now see no senders
}

bool Channel::is_closed() const {
    std::lock_guard g(lock_);
    return closed_;
}

std::size_t Channel::pending() const {
    std::lock_guard g(lock_);
    return tickets_.size();
}

std::size_t Channel::holders(Side side) const {
    std::lock_guard g(lock_);
    return live(holders_[index(side)], released_[index(side)]);
}

void Channel::hold(Side side, std::int64_t owner) {
    std::lock_guard g(lock_);
    ++holders_[index(side)][owner];
}

void Channel::unhold(Side side, std::int64_t owner) {
    {
        std::lock_guard g(lock_);
        auto &h = holders_[index(side)];
        auto it = h.find(owner);
        if (it != h.end() && --it->second == 0) h.erase(it);
    }
    changed_.notify_all();  // blocked receivers may now see that no senders remain
}

// ---------------------------------------------------------------- ChannelEnd

ChannelEnd::ChannelEnd(std::shared_ptr<Channel> channel, Side side, std::int64_t owner)
    : channel_(std::move(channel)), side_(side), owner_(owner) {
    if (channel_) channel_->hold(side_, owner_);
}

ChannelEnd::ChannelEnd(const ChannelEnd &other) : channel_(other.channel_), side_(other.side_), owner_(other.owner_) {
    if (channel_) channel_->hold(side_, owner_);
}

ChannelEnd &ChannelEnd::operator=(const ChannelEnd &other) {
    if (this != &other) *this = ChannelEnd(other);
    return *this;
}

ChannelEnd::ChannelEnd(ChannelEnd &&other) noexcept
    : channel_(std::move(other.channel_)), side_(other.side_), owner_(other.owner_) {}

ChannelEnd &ChannelEnd::operator=(ChannelEnd &&other) noexcept {
    if (this != &other) {
        ChannelEnd old(std::move(*this));  // released last, after taking other's state
        channel_ = std::move(other.channel_);
        side_ = other.side_;
        owner_ = other.owner_;
    }
    return *this;
}

ChannelEnd::~ChannelEnd() { reset(); }

void ChannelEnd::reset() {
    if (!channel_) return;
    // A local reference keeps the channel alive through unhold(): this end
    // may be its last holder. The channel may then die here, unlocked.
    std::shared_ptr<Channel> c = std::move(channel_);
    c->unhold(side_, owner_);
}

}  // namespace isles::internal::xi
