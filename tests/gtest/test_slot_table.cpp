// The generated context layout: every manifest slot sits where the slot
// table says, slots are dense and unique, and the frozen ABI baseline still
// matches (slots are append-only, so a released slot never moves).
#include <gtest/gtest.h>

#include <cctype>
#include <cstddef>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "isles/internal/slots.h"

#ifndef ISL_SOURCE_ROOT
#error "build with -DISL_SOURCE_ROOT=\"<repository root>\" (tests/meson.build does)"
#endif

namespace {

constexpr std::size_t kHeaderBytes = ISL_CONTEXT_HEADER_WORDS * sizeof(void *);
constexpr std::size_t slot_offset(int slot) { return kHeaderBytes + std::size_t(slot) * sizeof(void *); }

struct Field {
    int slot;
    const char *name;
    std::size_t offset, size;
};

// Fields from the X-macros; the third argument of ISL_FOR_EACH_CONSTANT is a
// CPython expression, swallowed unexpanded by the variadic parameter.
#define ISL_TEST_FIELD(slot, field, ...) {slot, #field, offsetof(IslContext, field), sizeof(IslContext::field)},
const std::vector<Field> constants = {ISL_FOR_EACH_CONSTANT(ISL_TEST_FIELD)};
const std::vector<Field> functions = {ISL_FOR_EACH_FUNCTION(ISL_TEST_FIELD)};
#undef ISL_TEST_FIELD

#define ISL_TEST_NAME(slot, name) {slot, name},
const std::vector<std::pair<int, std::string>> slot_names = {ISL_FOR_EACH_SLOT_NAME(ISL_TEST_NAME)};
#undef ISL_TEST_NAME

// Compile-time too, so a broken layout fails the build of the tests at once.
#define ISL_TEST_ASSERT(slot, field, ...) \
    static_assert(offsetof(IslContext, field) == slot_offset(slot), #field " is not at its slot");
ISL_FOR_EACH_CONSTANT(ISL_TEST_ASSERT)
ISL_FOR_EACH_FUNCTION(ISL_TEST_ASSERT)
#undef ISL_TEST_ASSERT

std::map<int, std::string> name_by_slot() {
    std::map<int, std::string> m;
    for (auto &[slot, name] : slot_names) m[slot] = name;
    return m;
}

}  // namespace

TEST(SlotTable, HandleIsPointerSized) {
    EXPECT_EQ(sizeof(IslHandle), sizeof(void *));
    EXPECT_EQ(alignof(IslHandle), alignof(void *));
}

TEST(SlotTable, HeaderIsHeaderWords) {
    EXPECT_EQ(offsetof(IslContext, h_None), kHeaderBytes);
    EXPECT_LT(offsetof(IslContext, _reserved), kHeaderBytes);
}

TEST(SlotTable, EveryFieldAtItsSlotOffset) {
    for (const auto *list : {&constants, &functions})
        for (const Field &f : *list) {
            EXPECT_EQ(f.offset, slot_offset(f.slot)) << f.name << " (slot " << f.slot << ")";
            EXPECT_EQ(f.size, sizeof(void *)) << f.name << ": every slot is one pointer wide";
        }
}

TEST(SlotTable, SizeOfContextMatchesSlotCount) {
    EXPECT_EQ(sizeof(IslContext), slot_offset(ISL_CONTEXT_N_SLOTS));
}

TEST(SlotTable, SlotsAreDenseAndUnique) {
    // The constants come first, then the functions; together they are 0..N-1.
    std::vector<int> slots;
    for (const auto *list : {&constants, &functions})
        for (const Field &f : *list) slots.push_back(f.slot);
    ASSERT_EQ(slots.size(), size_t(ISL_CONTEXT_N_SLOTS));
    for (int i = 0; i < ISL_CONTEXT_N_SLOTS; ++i) EXPECT_EQ(slots[i], i);

    ASSERT_EQ(slot_names.size(), size_t(ISL_CONTEXT_N_SLOTS));
    std::set<std::string> names;
    for (int i = 0; i < ISL_CONTEXT_N_SLOTS; ++i) {
        EXPECT_EQ(slot_names[i].first, i) << "ISL_FOR_EACH_SLOT_NAME is in slot order";
        EXPECT_TRUE(names.insert(slot_names[i].second).second) << "duplicate name " << slot_names[i].second;
    }
}

TEST(SlotTable, SlotNamesMatchFields) {
    // Constants are named after their field; function slot ctx_X is the API IslX.
    auto names = name_by_slot();
    for (const Field &f : constants) EXPECT_EQ(names[f.slot], f.name) << "slot " << f.slot;
    for (const Field &f : functions) {
        std::string field = f.name;
        ASSERT_EQ(field.rfind("ctx_", 0), 0u) << field;
        EXPECT_EQ(names[f.slot], "Isl" + field.substr(4)) << "slot " << f.slot;
    }
}

// The frozen baseline: `"N" = "record"` lines under [slots], where a record is
// "IslHandle h_Name" or a C signature whose function name precedes '('.
TEST(SlotTable, AbiBaselineSlotsUnchanged) {
    const std::string path = std::string(ISL_SOURCE_ROOT) + "/capi-tiers/abi-baseline.toml";
    std::ifstream in(path);
    ASSERT_TRUE(in) << "cannot read " << path;
    auto names = name_by_slot();
    std::string line, section;
    int checked = 0;
    long major = -1, minor = -1;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '[') {
            section = line.substr(0, line.find(']') + 1);
            continue;
        }
        if (section == "[abi]") {
            if (line.rfind("major", 0) == 0) major = std::stol(line.substr(line.find('=') + 1));
            if (line.rfind("minor", 0) == 0) minor = std::stol(line.substr(line.find('=') + 1));
            continue;
        }
        if (section != "[slots]") continue;
        // "N" = "record"
        std::size_t q1 = line.find('"'), q2 = line.find('"', q1 + 1);
        std::size_t q3 = line.find('"', q2 + 1), q4 = line.rfind('"');
        ASSERT_TRUE(q1 == 0 && q2 != std::string::npos && q3 != std::string::npos && q4 > q3)
            << "unparsed baseline line: " << line;
        int slot = std::stoi(line.substr(q1 + 1, q2 - q1 - 1));
        std::string record = line.substr(q3 + 1, q4 - q3 - 1), name;
        std::size_t paren = record.find('(');
        if (paren == std::string::npos) {
            ASSERT_EQ(record.rfind("IslHandle ", 0), 0u) << "a constant slot is an IslHandle: " << record;
            name = record.substr(10);
        } else {
            std::size_t end = paren;
            while (end > 0 && record[end - 1] == ' ') --end;
            std::size_t begin = end;
            while (begin > 0 && (std::isalnum((unsigned char)record[begin - 1]) || record[begin - 1] == '_')) --begin;
            name = record.substr(begin, end - begin);
        }
        ASSERT_TRUE(names.count(slot)) << "baseline slot " << slot << " (" << name << ") no longer exists";
        EXPECT_EQ(names[slot], name) << "baseline slot " << slot << " moved or was renamed";
        EXPECT_NE(record.find(names[slot]), std::string::npos);
        ++checked;
    }
    EXPECT_GT(checked, 0) << "no slots found in " << path;
    EXPECT_LE(checked, ISL_CONTEXT_N_SLOTS);
    EXPECT_EQ(major, ISL_ABI_VERSION_MAJOR) << "baseline [abi] major";
    EXPECT_GE(ISL_ABI_VERSION_MINOR, minor) << "the headers may only be newer than the frozen baseline";
}
