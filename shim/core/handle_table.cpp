// Debug-handle table; see include/isles/internal/handle_table.h.
#include "isles/internal/handle_table.h"

#include <stdexcept>

namespace isles::internal {

HandleTable::Id HandleTable::encode(std::uint32_t index, std::uint32_t generation) const {
    std::uint64_t bits = (std::uint64_t(tag_) << 48) | (std::uint64_t(index) << (kGenBits + 1)) |
                         (std::uint64_t(generation & kGenMask) << 1) | 1u;
    return static_cast<Id>(bits);
}

HandleTable::Status HandleTable::decode(Id id, std::uint32_t *index) const {
    if (id == 0) return Status::null;
    auto bits = static_cast<std::uint64_t>(id);
    if ((bits & 1u) == 0) return Status::invalid;
    if ((bits >> 48) != tag_) return Status::foreign;
    std::uint64_t i = (bits >> (kGenBits + 1)) & kIndexMask;
    if (i >= entries_.size()) return Status::invalid;
    const Entry &e = entries_[i];
    if (!e.open || (e.generation & kGenMask) != ((bits >> 1) & kGenMask)) return Status::closed;
    *index = static_cast<std::uint32_t>(i);
    return Status::ok;
}

HandleTable::Id HandleTable::open(void *object, const char *origin) {
    std::uint32_t index;
    if (free_head_ != 0) {
        index = free_head_ - 1;
        free_head_ = entries_[index].next_free;
    } else {
        if (entries_.size() > kIndexMask) throw std::length_error("isles: debug handle table is full");
        index = static_cast<std::uint32_t>(entries_.size());
        entries_.emplace_back();
    }
    Entry &e = entries_[index];
    e.object = object;
    e.origin = origin;
    e.open = true;
    e.next_free = 0;
    ++open_;
    return encode(index, e.generation);
}

HandleTable::Status HandleTable::lookup(Id id, void **object) const {
    std::uint32_t index;
    Status s = decode(id, &index);
    if (s == Status::ok) *object = entries_[index].object;
    return s;
}

HandleTable::Status HandleTable::close(Id id, void **object) {
    std::uint32_t index;
    Status s = decode(id, &index);
    if (s != Status::ok) return s;
    Entry &e = entries_[index];
    *object = e.object;
    e.object = nullptr;
    e.open = false;
    --open_;
    // A wrapped generation would make the oldest stale ids valid again, so
    // a slot whose generations are used up is retired: never reused.
    if ((e.generation & kGenMask) == kGenMask) return Status::ok;
    ++e.generation;  // stale copies of the id now decode as `closed`
    e.next_free = free_head_;
    free_head_ = index + 1;
    return Status::ok;
}

std::vector<HandleTable::Leak> HandleTable::open_handles() const {
    std::vector<Leak> out;
    for (std::uint32_t i = 0; i < entries_.size(); ++i) {
        const Entry &e = entries_[i];
        if (e.open) out.push_back({encode(i, e.generation), e.object, e.origin ? e.origin : "?"});
    }
    return out;
}

const char *HandleTable::describe(Status s) {
    switch (s) {
        case Status::ok: return "valid";
        case Status::null: return "the null handle";
        case Status::closed: return "a handle that was already closed";
        case Status::foreign: return "a handle from another interpreter";
        case Status::invalid: return "not a handle";
    }
    return "?";
}

}  // namespace isles::internal
