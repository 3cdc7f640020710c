/* isles stable tier: fields and members, the C data of instances and of
 * module states that isles knows how to expose and to garbage-collect. */
#ifndef ISLES_STABLE_MEMBER_H
#define ISLES_STABLE_MEMBER_H

#include <stddef.h>
#include "isles/stable/handles.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    ISL_MEMBER_END = 0,
    ISL_MEMBER_FIELD = 1,   /* IslField: traversed and cleared by isles; AttributeError when empty */
    ISL_MEMBER_INT = 2,     /* int */
    ISL_MEMBER_SSIZE = 3,   /* IslSsize */
    ISL_MEMBER_DOUBLE = 4,  /* double */
    ISL_MEMBER_BOOL = 5,    /* char, 0 or 1 */
    ISL_MEMBER_HIDDEN = 6   /* IslField that Python cannot see (name may be NULL): GC only */
} IslMemberKind;

/* Member flags. */
#define ISL_READONLY 1

/* A C field of the author's struct, exposed as an attribute (and, for
 * fields, known to the garbage collector). `offset` is within the struct. */
typedef struct {
    const char *name;
    IslMemberKind kind;
    size_t offset;
    int flags;
    const char *doc;
} IslMember;

#define ISL_MEMBER_FIELD(NAME, TYPE, FIELD, FLAGS) {NAME, ISL_MEMBER_FIELD, offsetof(TYPE, FIELD), FLAGS, NULL}
#define ISL_MEMBER_HIDDEN_FIELD(TYPE, FIELD) {NULL, ISL_MEMBER_HIDDEN, offsetof(TYPE, FIELD), 0, NULL}
#define ISL_MEMBER_INT(NAME, TYPE, FIELD, FLAGS) {NAME, ISL_MEMBER_INT, offsetof(TYPE, FIELD), FLAGS, NULL}
#define ISL_MEMBER_SSIZE(NAME, TYPE, FIELD, FLAGS) {NAME, ISL_MEMBER_SSIZE, offsetof(TYPE, FIELD), FLAGS, NULL}
#define ISL_MEMBER_DOUBLE(NAME, TYPE, FIELD, FLAGS) {NAME, ISL_MEMBER_DOUBLE, offsetof(TYPE, FIELD), FLAGS, NULL}
#define ISL_MEMBER_BOOL(NAME, TYPE, FIELD, FLAGS) {NAME, ISL_MEMBER_BOOL, offsetof(TYPE, FIELD), FLAGS, NULL}

#ifdef __cplusplus
}
#endif
#endif
