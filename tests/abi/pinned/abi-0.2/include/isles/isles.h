/* isles: the stable tier, binary compatible across every supported CPython.
 * Include this instead of Python.h. Define ISL_UNSTABLE_API before including
 * it to opt in to the unstable tier (rebuild per CPython release). */
#ifndef ISLES_ISLES_H
#define ISLES_ISLES_H

#ifdef ISL_UNSTABLE_API
#include "isles/unstable/unstable.h" /* first: it brings CPython's headers */
#endif

#include "isles/stable/handles.h"
#include "isles/stable/context.h"
#include "isles/stable/module.h"
#include "isles/stable/type.h"

#endif
