/* isles internal: the table behind debug-mode handles.
 *
 * A debug handle is an encoded id, never an object pointer, so every misuse
 * is caught before any object is touched: a closed handle (generation
 * mismatch), a double close, or a handle from another interpreter's table
 * (tag mismatch). Each open handle remembers where it was made so leaks can
 * be reported. Pure C++: no Python, so it is tested on its own. One table
 * belongs to one interpreter and is used under that interpreter's GIL.
 *
 * A slot is reused after a close with its generation bumped; once a slot has
 * served all 2^19 generations it is retired (never reused), so a stale id can
 * never become valid again. That costs one Entry per 2^19 opens of a slot. */
#ifndef ISLES_INTERNAL_HANDLE_TABLE_H
#define ISLES_INTERNAL_HANDLE_TABLE_H
#ifndef ISL_BUILD_CORE
#error "isles/internal/handle_table.h is runtime-only: define ISL_BUILD_CORE (the isles shim does)"
#endif

#include <cstdint>
#include <string>
#include <vector>

namespace isles::internal {

class HandleTable {
  public:
    // id layout: [63..48] table tag | [47..20] index | [19..1] generation | [0] = 1.
    // Bit 0 set means the id can never be mistaken for an aligned pointer.
    using Id = std::intptr_t;
    enum class Status { ok, null, closed, foreign, invalid };

    struct Leak {
        Id id;
        void *object;
        std::string origin;
    };

    explicit HandleTable(std::uint16_t tag) : tag_(tag) {}
    HandleTable(const HandleTable &) = delete;
    HandleTable &operator=(const HandleTable &) = delete;

    std::uint16_t tag() const { return tag_; }
    // A new id for object; origin says where it was made (for reports).
    Id open(void *object, const char *origin);
    // The object behind id, or why there is none.
    Status lookup(Id id, void **object) const;
    // Closes id and hands back its object; a second close reports `closed`.
    // The slot is reused by a later open, unless its generations are used up.
    Status close(Id id, void **object);
    std::size_t open_count() const { return open_; }
    std::vector<Leak> open_handles() const;
    static const char *describe(Status s);

  private:
    static constexpr int kGenBits = 19, kIndexBits = 28;
    static constexpr std::uint64_t kGenMask = (1u << kGenBits) - 1;
    static constexpr std::uint64_t kIndexMask = (1u << kIndexBits) - 1;

    struct Entry {
        void *object = nullptr;
        const char *origin = nullptr;
        std::uint32_t generation = 0;
        bool open = false;
        std::uint32_t next_free = 0;  // index + 1 of the next free entry, 0 = none
    };

    Status decode(Id id, std::uint32_t *index) const;
    Id encode(std::uint32_t index, std::uint32_t generation) const;

    std::uint16_t tag_;
    std::vector<Entry> entries_;
    std::uint32_t free_head_ = 0;  // index + 1, 0 = none
    std::size_t open_ = 0;
};

}  // namespace isles::internal
#endif
