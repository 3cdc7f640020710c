/* isles internal: cross-interpreter data, queues and channels.
 *
 * Everything here lives outside every interpreter: plain C++ with no Python
 * object and no Python API, so it is shared by all interpreters of the
 * process and tested without Python. A value crosses as data (Value); the
 * backend converts objects to and from Values in the sending and receiving
 * interpreter. Blocking calls wait on a condition variable: the backend
 * releases the caller's GIL around them. */
#ifndef ISLES_INTERNAL_XI_H
#define ISLES_INTERNAL_XI_H
#ifndef ISL_BUILD_CORE
#error "isles/internal/xi.h is runtime-only: define ISL_BUILD_CORE (the isles shim does)"
#endif

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace isles::internal::xi {

class Queue;
class Channel;

// Weak pointers to live objects by id: enough to find one again (a queue
// unpickled in another interpreter) or to visit all (an interpreter's lent
// buffers at close) without keeping a dead one's memory, which make_shared
// ties to its weak count. Dead entries go once the table has doubled since
// the last sweep: add() is amortized O(1) and the table stays within twice
// the live count. A shared_ptr handed out may be the last one: callers drop
// it outside any lock the object's destructor takes.
template <class T>
class WeakRegistry {
  public:
    void add(std::int64_t id, const std::shared_ptr<T> &p) {
        std::lock_guard<std::mutex> g(lock_);
        if (all_.size() >= sweep_at_) {
            for (auto it = all_.begin(); it != all_.end();) it = it->second.expired() ? all_.erase(it) : std::next(it);
            sweep_at_ = std::max<std::size_t>(kMinSweep, 2 * all_.size());
        }
        all_[id] = p;
    }
    std::shared_ptr<T> find(std::int64_t id) {
        std::lock_guard<std::mutex> g(lock_);
        auto it = all_.find(id);
        return it == all_.end() ? nullptr : it->second.lock();
    }
    // The live ones, oldest (lowest id) first; forgets the dead ones.
    std::vector<std::shared_ptr<T>> live() {
        std::vector<std::shared_ptr<T>> out;
        std::lock_guard<std::mutex> g(lock_);
        for (auto it = all_.begin(); it != all_.end();) {
            if (auto p = it->second.lock()) {
                out.push_back(std::move(p));
                ++it;
            } else {
                it = all_.erase(it);
            }
        }
        return out;
    }
    // In a child just forked: whoever held the lock is gone.
    void after_fork_in_child() { new (&lock_) std::mutex; }
    std::size_t table_size() {  // for tests: live plus not yet swept
        std::lock_guard<std::mutex> g(lock_);
        return all_.size();
    }

  private:
    static constexpr std::size_t kMinSweep = 64;
    std::mutex lock_;
    std::map<std::int64_t, std::weak_ptr<T>> all_;
    std::size_t sweep_at_ = kMinSweep;
};

// Memory exported by one interpreter (a PEP 3118 buffer) and lent to others
// by reference. The backend subclass knows how to release it; the core only
// keeps it alive while a Value or a receiver still needs it.
class BufferShare {
  public:
    virtual ~BufferShare() = default;
};

enum class Side : std::uint8_t { send, recv };

// A reference to one side of a channel. Holders are counted per owner
// (an interpreter id, or kInTransit for a value inside a queue or channel),
// so a channel knows when nobody can send or receive any more.
class ChannelEnd {
  public:
    static constexpr std::int64_t kInTransit = -1;
    ChannelEnd() = default;
    ChannelEnd(std::shared_ptr<Channel> channel, Side side, std::int64_t owner);
    ChannelEnd(const ChannelEnd &other);
    ChannelEnd &operator=(const ChannelEnd &other);
    ChannelEnd(ChannelEnd &&other) noexcept;
    ChannelEnd &operator=(ChannelEnd &&other) noexcept;
    ~ChannelEnd();

    const std::shared_ptr<Channel> &channel() const { return channel_; }
    Side side() const { return side_; }
    std::int64_t owner() const { return owner_; }
    explicit operator bool() const { return channel_ != nullptr; }

  private:
    void reset();
    std::shared_ptr<Channel> channel_;
    Side side_ = Side::send;
    std::int64_t owner_ = kInTransit;
};

// One shareable value, as data.
struct Value {
    enum class Kind : std::uint8_t {
        none, boolean, integer, big_integer, real, str, bytes, tuple, queue, channel, buffer, pickled
    };
    Kind kind = Kind::none;
    bool boolean = false;
    std::int64_t integer = 0;
    double real = 0.0;
    std::string text;               // str (UTF-8, surrogatepass), bytes, big_integer (hex), pickled
    std::vector<Value> items;       // tuple
    std::shared_ptr<Queue> queue;   // queue
    ChannelEnd channel;             // channel (owner kInTransit)
    std::shared_ptr<BufferShare> buffer;
};

// How long a blocking call may wait: forever (nullopt) or until a deadline.
using Clock = std::chrono::steady_clock;
using Deadline = std::optional<Clock::time_point>;
Deadline deadline_after(std::optional<double> seconds);

// Called between waits by a blocked call that must stay interruptible
// (the main thread's signal handlers); true stops the wait. Without one
// the wait never wakes up on its own.
using InterruptCheck = std::function<bool()>;

enum class Status : std::uint8_t { ok, empty, full, timeout, closed, interrupted, not_empty };
const char *describe(Status s);

// What becomes of an item whose interpreter closed before it was taken
// (Python 3.14's unbounditems; the numbers are CPython's flags).
enum class Unbound : std::uint8_t { remove = 1, error = 2, replace = 3 };

// The interpreter an item is bound to, and its rule. owner kNobody: never unbound.
struct Binding {
    static constexpr std::int64_t kNobody = -1;
    std::int64_t owner = kNobody;
    Unbound rule = Unbound::replace;
};

// A FIFO of Values: PEP 734's Queue. maxsize 0 means unbounded.
class Queue {
  public:
    explicit Queue(std::size_t maxsize);
    std::int64_t id() const { return id_; }
    std::size_t maxsize() const { return maxsize_; }

    // ok, full (no room and !block, or the deadline passed), interrupted.
    Status put(Value &&value, bool block, Deadline deadline, const InterruptCheck &interrupted = {},
               Binding binding = {});
    // ok, empty (nothing and !block, or the deadline passed), interrupted.
    // An item unbound by its interpreter's close comes out as an empty Value
    // with *unbound set to its rule (error or replace); unbound may be null
    // only where no item is ever bound.
    Status get(Value &out, bool block, Deadline deadline, const InterruptCheck &interrupted = {},
               std::optional<Unbound> *unbound = nullptr);
    std::size_t size() const;
    // `owner` closed: its waiting items follow their rules. Returns how many.
    std::size_t unbind(std::int64_t owner);
    // In a child just forked: its waiters and lock holders are gone.
    void after_fork_in_child();

  private:
    struct Item {
        Value value;
        Binding binding;
        bool unbound = false;
    };
    const std::int64_t id_;
    const std::size_t maxsize_;
    mutable std::mutex lock_;
    std::condition_variable not_empty_, not_full_;
    std::deque<Item> items_;
};

// PEP 554's channel: send() waits until its value is received.
class Channel : public std::enable_shared_from_this<Channel> {
  public:
    static std::shared_ptr<Channel> create(Unbound unbound = Unbound::replace);
    std::int64_t id() const { return id_; }
    Unbound unbound() const { return unbound_; }  // the default rule for its values

    // Queues `value`. With wait_for_receipt, blocks until a receiver took it:
    // ok; timeout (the value is withdrawn); closed (the channel was closed,
    // this owner released the send side, or no receive end is left, so the
    // value could never be received: withdrawn); interrupted (withdrawn).
    // Without it, returns ok at once; *taken_at_once tells whether a
    // receiver was already waiting.
    // `binding`: the interpreter the value is bound to, and its rule.
    Status send(Value &&value, std::int64_t owner, bool wait_for_receipt, Deadline deadline,
                const InterruptCheck &interrupted = {}, bool *taken_at_once = nullptr, Binding binding = {});
    // ok; empty (!block, or the deadline passed); closed (closed, released
    // by this owner, or empty with nobody left who can send); interrupted.
    // A value unbound by its interpreter's close comes out empty, with
    // *unbound set to its rule, as Queue::get does.
    Status recv(Value &out, std::int64_t owner, bool block, Deadline deadline,
                const InterruptCheck &interrupted = {}, std::optional<Unbound> *unbound = nullptr);
    // `owner` closed: its pending values follow their rules. Returns how many.
    std::size_t unbind(std::int64_t owner);
    // Closes both sides for everyone. not_empty if values are pending and
    // !force; with force they are dropped and their senders get `closed`.
    Status close(bool force);
    // `owner` stops using `side`: its further calls on that side get closed.
    void release(Side side, std::int64_t owner);

    bool is_closed() const;
    std::size_t pending() const;
    // Holders of `side` that have not released it (in-transit values count).
    std::size_t holders(Side side) const;

    // All channels not yet closed, for list_all().
    static std::vector<std::shared_ptr<Channel>> list_open();
    // The live channel with `id` (closed or not), or nullptr.
    static std::shared_ptr<Channel> find(std::int64_t id);
    // In a child just forked, where only interpreter `survivor` is left:
    // forgets the lock holders, waiters and ends of every other owner, so
    // a receiver whose senders were all elsewhere is told so.
    static void after_fork_in_child(std::int64_t survivor);

  private:
    friend class ChannelEnd;
    explicit Channel(Unbound unbound);
    void hold(Side side, std::int64_t owner);
    void unhold(Side side, std::int64_t owner);

    struct Ticket {  // one sent value; `taken` flips when a receiver has it
        Value value;
        Binding binding;
        bool taken = false;
        bool dropped = false;
        bool unbound = false;
    };

    const std::int64_t id_;
    const Unbound unbound_;
    mutable std::mutex lock_;
    std::condition_variable changed_;
    std::deque<std::shared_ptr<Ticket>> tickets_;
    std::map<std::int64_t, std::size_t> holders_[2];  // per side: owner -> count
    std::set<std::int64_t> released_[2];
    std::size_t waiting_receivers_ = 0;
    bool closed_ = false;
};

}  // namespace isles::internal::xi
#endif
