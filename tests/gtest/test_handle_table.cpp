// isles::internal::HandleTable: the table behind debug-mode handles. Every
// misuse must be reported as a Status, never crash or hand back an object.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "isles/internal/handle_table.h"

using isles::internal::HandleTable;
using Status = HandleTable::Status;
using Id = HandleTable::Id;

namespace {

// Id layout from handle_table.h: [63..48] tag | [47..20] index | [19..1] generation | [0] = 1.
std::uint64_t index_of(Id id) { return (std::uint64_t(id) >> 20) & ((1u << 28) - 1); }
std::uint64_t generation_of(Id id) { return (std::uint64_t(id) >> 1) & ((1u << 19) - 1); }
Id make_id(std::uint16_t tag, std::uint64_t index, std::uint64_t gen) {
    return Id((std::uint64_t(tag) << 48) | (index << 20) | (gen << 1) | 1u);
}

int objs[8];  // distinct addresses to stand in for PyObject*

}  // namespace

TEST(HandleTable, OpenLookupClose) {
    HandleTable t(7);
    EXPECT_EQ(t.tag(), 7);
    Id a = t.open(&objs[0], "a"), b = t.open(&objs[1], "b");
    EXPECT_NE(a, b);
    EXPECT_EQ(t.open_count(), 2u);
    void *o = nullptr;
    ASSERT_EQ(t.lookup(a, &o), Status::ok);
    EXPECT_EQ(o, &objs[0]);
    ASSERT_EQ(t.lookup(b, &o), Status::ok);
    EXPECT_EQ(o, &objs[1]);
    o = nullptr;
    ASSERT_EQ(t.close(a, &o), Status::ok);
    EXPECT_EQ(o, &objs[0]);  // close hands the object back so the caller can decref it
    EXPECT_EQ(t.open_count(), 1u);
    ASSERT_EQ(t.lookup(b, &o), Status::ok);  // closing a leaves b alone
    EXPECT_EQ(o, &objs[1]);
}

TEST(HandleTable, IdsLookNothingLikePointers) {
    HandleTable t(1);
    for (int i = 0; i < 100; ++i) {
        Id id = t.open(&objs[0], "x");
        EXPECT_EQ(id & 1, 1) << "bit 0 must be set so an id is never an aligned pointer";
        EXPECT_NE(id, 0);
        EXPECT_EQ(std::uint64_t(id) >> 48, 1u);
    }
}

TEST(HandleTable, NullObjectIsAllowed) {
    // The table stores whatever it is given; the id, not the object, is checked.
    HandleTable t(1);
    Id id = t.open(nullptr, "null object");
    void *o = &objs[0];
    ASSERT_EQ(t.lookup(id, &o), Status::ok);
    EXPECT_EQ(o, nullptr);
}

TEST(HandleTable, DoubleCloseReportsClosed) {
    HandleTable t(3);
    Id a = t.open(&objs[0], "a");
    void *o = nullptr;
    ASSERT_EQ(t.close(a, &o), Status::ok);
    o = &objs[5];
    EXPECT_EQ(t.close(a, &o), Status::closed);
    EXPECT_EQ(o, &objs[5]) << "a failed close must not write the out-parameter";
    EXPECT_EQ(t.lookup(a, &o), Status::closed);
    EXPECT_EQ(t.open_count(), 0u);
}

TEST(HandleTable, StaleIdAfterSlotReuseReportsClosed) {
    // The dangerous case: the slot is live again for another object, and the
    // old id must not reach it.
    HandleTable t(3);
    Id a = t.open(&objs[0], "a");
    void *o = nullptr;
    ASSERT_EQ(t.close(a, &o), Status::ok);
    Id b = t.open(&objs[1], "b");
    ASSERT_EQ(index_of(b), index_of(a)) << "the freed slot is reused";
    EXPECT_NE(a, b);
    o = nullptr;
    EXPECT_EQ(t.lookup(a, &o), Status::closed);
    EXPECT_EQ(o, nullptr);
    EXPECT_EQ(t.close(a, &o), Status::closed);
    ASSERT_EQ(t.lookup(b, &o), Status::ok) << "the stale close must not close the new handle";
    EXPECT_EQ(o, &objs[1]);
    EXPECT_EQ(t.open_count(), 1u);
}

TEST(HandleTable, ForeignTagReportsForeign) {
    HandleTable mine(10), theirs(11);
    Id a = theirs.open(&objs[0], "theirs");
    Id b = mine.open(&objs[1], "mine");  // same index and generation as a, other tag
    ASSERT_EQ(index_of(a), index_of(b));
    void *o = nullptr;
    EXPECT_EQ(mine.lookup(a, &o), Status::foreign);
    EXPECT_EQ(mine.close(a, &o), Status::foreign);
    EXPECT_EQ(o, nullptr);
    EXPECT_EQ(mine.open_count(), 1u);
    EXPECT_EQ(theirs.lookup(a, &o), Status::ok);
}

TEST(HandleTable, HighTagsGiveNegativeIdsThatStillWork) {
    HandleTable t(0xFFFF), other(0x7FFF);  // intptr_t ids: the top tag bit makes them negative
    Id a = t.open(&objs[2], "neg");
    EXPECT_LT(a, 0);
    void *o = nullptr;
    ASSERT_EQ(t.lookup(a, &o), Status::ok);
    EXPECT_EQ(o, &objs[2]);
    EXPECT_EQ(other.lookup(a, &o), Status::foreign);
    ASSERT_EQ(t.close(a, &o), Status::ok);
}

TEST(HandleTable, NullIdReportsNull) {
    HandleTable t(1);
    void *o = &objs[0];
    EXPECT_EQ(t.lookup(0, &o), Status::null);
    EXPECT_EQ(t.close(0, &o), Status::null);
    EXPECT_EQ(o, &objs[0]);
    HandleTable zero_tag(0);  // even with tag 0 the null id is not a handle
    zero_tag.open(&objs[0], "x");
    EXPECT_EQ(zero_tag.lookup(0, &o), Status::null);
}

TEST(HandleTable, PointerLikeEvenIdsAreInvalid) {
    // A release-mode handle (a raw object pointer) handed to a debug table.
    HandleTable t(0x10);
    t.open(&objs[0], "x");
    void *o = nullptr;
    EXPECT_EQ(t.lookup(Id(reinterpret_cast<std::intptr_t>(&objs[0])), &o), Status::invalid);
    EXPECT_EQ(t.close(Id(reinterpret_cast<std::intptr_t>(&objs[4])), &o), Status::invalid);
    EXPECT_EQ(t.lookup(make_id(0x10, 0, 0) - 1, &o), Status::invalid);  // the live id with bit 0 cleared
    EXPECT_EQ(t.lookup(2, &o), Status::invalid);
    EXPECT_EQ(o, nullptr);
    EXPECT_EQ(t.open_count(), 1u);
}

TEST(HandleTable, OutOfRangeIndexIsInvalid) {
    HandleTable t(5);
    void *o = nullptr;
    EXPECT_EQ(t.lookup(make_id(5, 0, 0), &o), Status::invalid) << "empty table";
    Id a = t.open(&objs[0], "a");
    ASSERT_EQ(index_of(a), 0u);
    EXPECT_EQ(t.lookup(make_id(5, 1, 0), &o), Status::invalid);
    EXPECT_EQ(t.close(make_id(5, (1u << 28) - 1, 0), &o), Status::invalid);
    EXPECT_EQ(o, nullptr);
    EXPECT_EQ(t.lookup(make_id(5, 0, 0), &o), Status::ok);  // the one we forged by layout is real
}

TEST(HandleTable, WrongGenerationInRangeIsClosed) {
    HandleTable t(5);
    Id a = t.open(&objs[0], "a");
    void *o = nullptr;
    EXPECT_EQ(t.lookup(make_id(5, index_of(a), generation_of(a) + 1), &o), Status::closed);
    EXPECT_EQ(o, nullptr);
}

TEST(HandleTable, OpenCountTracksOpensAndCloses) {
    HandleTable t(2);
    std::vector<Id> ids;
    for (int i = 0; i < 50; ++i) {
        ids.push_back(t.open(&objs[i % 8], "n"));
        EXPECT_EQ(t.open_count(), size_t(i + 1));
    }
    void *o;
    for (int i = 0; i < 50; i += 2) ASSERT_EQ(t.close(ids[i], &o), Status::ok);
    EXPECT_EQ(t.open_count(), 25u);
    for (int i = 0; i < 50; i += 2) EXPECT_EQ(t.close(ids[i], &o), Status::closed);
    EXPECT_EQ(t.open_count(), 25u) << "failed closes do not change the count";
}

TEST(HandleTable, OpenHandlesListsLeaksWithOrigin) {
    HandleTable t(4);
    EXPECT_TRUE(t.open_handles().empty());
    Id a = t.open(&objs[0], "ext.c:10 make_a");
    Id b = t.open(&objs[1], "ext.c:20 make_b");
    Id c = t.open(&objs[2], nullptr);  // no origin recorded
    void *o;
    ASSERT_EQ(t.close(b, &o), Status::ok);
    auto leaks = t.open_handles();
    ASSERT_EQ(leaks.size(), 2u);
    EXPECT_EQ(leaks[0].id, a);
    EXPECT_EQ(leaks[0].object, &objs[0]);
    EXPECT_EQ(leaks[0].origin, "ext.c:10 make_a");
    EXPECT_EQ(leaks[1].id, c);
    EXPECT_EQ(leaks[1].object, &objs[2]);
    EXPECT_FALSE(leaks[1].origin.empty()) << "a missing origin still gets a placeholder";
    // Ids in the report are live ids: they can be used to close the leak.
    for (auto &l : leaks) EXPECT_EQ(t.close(l.id, &o), Status::ok);
    EXPECT_TRUE(t.open_handles().empty());
}

TEST(HandleTable, FreeListReuseBumpsGeneration) {
    HandleTable t(9);
    void *o;
    Id first = t.open(&objs[0], "x");
    Id prev = first;
    for (int i = 1; i <= 20; ++i) {
        ASSERT_EQ(t.close(prev, &o), Status::ok);
        Id next = t.open(&objs[0], "x");
        EXPECT_EQ(index_of(next), index_of(first)) << "one slot, reused";
        EXPECT_EQ(generation_of(next), generation_of(prev) + 1);
        EXPECT_EQ(t.lookup(prev, &o), Status::closed);
        prev = next;
    }
    // Freed slots are reused before the table grows.
    std::vector<Id> ids;
    for (int i = 0; i < 10; ++i) ids.push_back(t.open(&objs[1], "y"));
    for (Id id : ids) ASSERT_EQ(t.close(id, &o), Status::ok);
    std::set<std::uint64_t> indices;
    for (int i = 0; i < 10; ++i) indices.insert(index_of(t.open(&objs[2], "z")));
    EXPECT_EQ(indices.size(), 10u);
    EXPECT_LT(*indices.rbegin(), 11u) << "no new slots while free ones exist";
}

TEST(HandleTable, SlotIsRetiredBeforeItsGenerationWraps) {
    HandleTable t(7);
    void *o;
    Id first = t.open(&objs[0], "first");
    ASSERT_EQ(t.close(first, &o), Status::ok);
    Id last = 0;
    for (std::uint32_t gen = 1; gen < (1u << 19); ++gen) {  // every later generation of the same slot
        last = t.open(&objs[1], "loop");
        ASSERT_EQ(index_of(last), index_of(first));
        ASSERT_EQ(generation_of(last), gen);
        ASSERT_EQ(t.close(last, &o), Status::ok);
    }
    // The slot's generations are used up: the next open takes another slot,
    // and the ids of every generation stay closed.
    Id next = t.open(&objs[2], "after");
    EXPECT_NE(index_of(next), index_of(first));
    for (Id stale : {first, last}) {
        o = nullptr;
        EXPECT_EQ(t.lookup(stale, &o), Status::closed);
        EXPECT_EQ(o, nullptr);
        EXPECT_EQ(t.close(stale, &o), Status::closed);
    }
    EXPECT_EQ(t.lookup(next, &o), Status::ok);
    EXPECT_EQ(o, &objs[2]);
    EXPECT_EQ(t.open_count(), 1u);
    // The retired slot stays out of the free list from then on.
    ASSERT_EQ(t.close(next, &o), Status::ok);
    for (int i = 0; i < 4; ++i) EXPECT_NE(index_of(t.open(&objs[3], "more")), index_of(first));
}

TEST(HandleTable, ManyHandlesRoundTrip) {
    constexpr int n = 100000;
    HandleTable t(0x1234);
    std::vector<Id> ids(n);
    std::vector<char> mem(n);  // one distinct address per handle
    for (int i = 0; i < n; ++i) ids[i] = t.open(&mem[i], "bulk");
    EXPECT_EQ(t.open_count(), size_t(n));
    EXPECT_EQ(std::set<Id>(ids.begin(), ids.end()).size(), size_t(n));
    void *o;
    for (int i = 0; i < n; ++i) {
        ASSERT_EQ(t.lookup(ids[i], &o), Status::ok) << i;
        ASSERT_EQ(o, &mem[i]) << i;
    }
    for (int i = n - 1; i >= 0; i -= 2) {  // close half, out of order
        ASSERT_EQ(t.close(ids[i], &o), Status::ok) << i;
        ASSERT_EQ(o, &mem[i]);
    }
    EXPECT_EQ(t.open_count(), size_t(n / 2));
    EXPECT_EQ(t.open_handles().size(), size_t(n / 2));
    for (int i = 0; i < n; ++i) {
        Status want = (i % 2 == 1) ? Status::closed : Status::ok;
        ASSERT_EQ(t.lookup(ids[i], &o), want) << i;
    }
    for (int i = 0; i < n; i += 2) ASSERT_EQ(t.close(ids[i], &o), Status::ok);
    EXPECT_EQ(t.open_count(), 0u);
    EXPECT_TRUE(t.open_handles().empty());
}

TEST(HandleTable, DescribeNamesEveryStatus) {
    std::set<std::string> seen;
    for (Status s : {Status::ok, Status::null, Status::closed, Status::foreign, Status::invalid}) {
        const char *d = HandleTable::describe(s);
        ASSERT_NE(d, nullptr);
        EXPECT_GT(std::string(d).size(), 1u);
        seen.insert(d);
    }
    EXPECT_EQ(seen.size(), 5u) << "each status reads differently in a report";
}
