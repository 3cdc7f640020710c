/* _heapq for isles: the heap queue accelerator, written against the stable
 * tier only. One binary serves every supported CPython, in the main
 * interpreter and in own-GIL sub-interpreters.
 *
 * Comparisons can run arbitrary Python that mutates the heap, so each one
 * goes through IslList_CompareItems, which holds the items and re-checks the
 * list's size. */
#include <isles/isles.h>

#include "../common/pyversion.h"

typedef int (*sift_fn)(IslContext *, IslHandle, IslSsize, IslSsize);

/* heap[i] < heap[j] (heap[j] < heap[i] when `reverse`). One context call:
 * it holds both items during the comparison, which may run Python that
 * mutates the heap, and fails if that changed the heap's size. */
static int less_at(IslContext *ctx, IslHandle heap, IslSsize i, IslSsize j, int reverse) {
    return reverse ? IslList_CompareItems(ctx, heap, j, i, ISL_LT) : IslList_CompareItems(ctx, heap, i, j, ISL_LT);
}

/* Moves heap[pos] up towards `start` while it is smaller than its parent. */
static int sift_towards_root(IslContext *ctx, IslHandle heap, IslSsize start, IslSsize pos, int reverse) {
    while (pos > start) {
        IslSsize parent = (pos - 1) >> 1;
        int lt = less_at(ctx, heap, pos, parent, reverse);
        if (lt < 0) return -1;
        if (!lt) break;
        if (IslList_Swap(ctx, heap, pos, parent) < 0) return -1;
        pos = parent;
    }
    return 0;
}

/* Moves the smaller child up until a leaf is reached, then sifts the item
 * that was at `pos` back towards the root (fewer comparisons than stopping
 * early; see heapq.py). */
static int sift_to_leaf(IslContext *ctx, IslHandle heap, IslSsize pos, int reverse) {
    IslSsize end = IslList_Size(ctx, heap), start = pos, limit = end >> 1;
    while (pos < limit) {
        IslSsize child = 2 * pos + 1;
        if (child + 1 < end) {
            int lt = less_at(ctx, heap, child, child + 1, reverse);
            if (lt < 0) return -1;
            child += lt ^ 1;
        }
        if (IslList_Swap(ctx, heap, child, pos) < 0) return -1;
        pos = child;
    }
    return sift_towards_root(ctx, heap, start, pos, reverse);
}

static int siftdown_min(IslContext *ctx, IslHandle heap, IslSsize start, IslSsize pos) {
    return sift_towards_root(ctx, heap, start, pos, 0);
}
static int siftdown_max(IslContext *ctx, IslHandle heap, IslSsize start, IslSsize pos) {
    return sift_towards_root(ctx, heap, start, pos, 1);
}
static int siftup_min(IslContext *ctx, IslHandle heap, IslSsize pos, IslSsize unused) {
    (void)unused;
    return sift_to_leaf(ctx, heap, pos, 0);
}
static int siftup_max(IslContext *ctx, IslHandle heap, IslSsize pos, IslSsize unused) {
    (void)unused;
    return sift_to_leaf(ctx, heap, pos, 1);
}

static int check_list(IslContext *ctx, const char *fname, IslHandle heap) {
    if (IslList_Check(ctx, heap)) return 0;
    IslErr_Format(ctx, ctx->h_TypeError, "%s() argument 1 must be list, not %T", fname, heap);
    return -1;
}

static int check_nargs(IslContext *ctx, const char *fname, size_t nargs) {
    if (nargs == 2) return 0;
    IslErr_Format(ctx, ctx->h_TypeError, "%s expected 2 arguments, got %zu", fname, nargs);
    return -1;
}

/* heap[0] = item; re-sift; returns the old heap[0]. */
static IslHandle replace_top(IslContext *ctx, IslHandle heap, IslHandle item, sift_fn siftup) {
    IslHandle top = IslList_GetItem(ctx, heap, 0);
    if (IslHandle_IsNull(top)) return top;
    if (IslList_SetItem(ctx, heap, 0, item) < 0 || siftup(ctx, heap, 0, 0) < 0) {
        IslHandle_Close(ctx, top);
        return ISL_NULL;
    }
    return top;
}

static IslHandle empty_heap(IslContext *ctx) {
    return IslErr_SetString(ctx, ctx->h_IndexError, "index out of range");
}

static IslHandle push_common(IslContext *ctx, const char *fname, const IslHandle *args, size_t nargs,
                             sift_fn siftdown) {
    if (check_nargs(ctx, fname, nargs) < 0 || check_list(ctx, fname, args[0]) < 0) return ISL_NULL;
    if (IslList_Append(ctx, args[0], args[1]) < 0) return ISL_NULL;
    if (siftdown(ctx, args[0], 0, IslList_Size(ctx, args[0]) - 1) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}

static IslHandle pop_common(IslContext *ctx, const char *fname, IslHandle heap, sift_fn siftup) {
    if (check_list(ctx, fname, heap) < 0) return ISL_NULL;
    if (IslList_Size(ctx, heap) == 0) return empty_heap(ctx);
    IslHandle last = IslList_Pop(ctx, heap, -1);
    if (IslHandle_IsNull(last) || IslList_Size(ctx, heap) == 0) return last;
    IslHandle top = replace_top(ctx, heap, last, siftup);
    IslHandle_Close(ctx, last);
    return top;
}

static IslHandle replace_common(IslContext *ctx, const char *fname, const IslHandle *args, size_t nargs,
                                sift_fn siftup) {
    if (check_nargs(ctx, fname, nargs) < 0 || check_list(ctx, fname, args[0]) < 0) return ISL_NULL;
    if (IslList_Size(ctx, args[0]) == 0) return empty_heap(ctx);
    return replace_top(ctx, args[0], args[1], siftup);
}

/* heap[0] < item for the min-heap, item < heap[0] for the max-heap
 * (`reverse`): only then does item go in and heap[0] come out. */
static IslHandle pushpop_common(IslContext *ctx, const char *fname, const IslHandle *args, size_t nargs,
                                int reverse) {
    if (check_nargs(ctx, fname, nargs) < 0 || check_list(ctx, fname, args[0]) < 0) return ISL_NULL;
    IslHandle heap = args[0], item = args[1];
    if (IslList_Size(ctx, heap) == 0) return IslHandle_Dup(ctx, item);
    int lt = IslSequence_CompareItem(ctx, heap, 0, item, ISL_LT, reverse);
    if (lt < 0) return ISL_NULL;
    if (!lt) return IslHandle_Dup(ctx, item);
    if (IslList_Size(ctx, heap) == 0) return empty_heap(ctx);  /* the comparison emptied it */
    return replace_top(ctx, heap, item, reverse ? siftup_max : siftup_min);
}

static IslHandle heapify_common(IslContext *ctx, const char *fname, IslHandle heap, sift_fn siftup) {
    if (check_list(ctx, fname, heap) < 0) return ISL_NULL;
    /* Leaves are already heaps; sift every parent, last one first. */
    for (IslSsize i = (IslList_Size(ctx, heap) >> 1) - 1; i >= 0; --i)
        if (siftup(ctx, heap, i, 0) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}

static IslHandle heappush_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    return push_common(ctx, "heappush", args, nargs, siftdown_min);
}
static IslHandle heappop_impl(IslContext *ctx, IslHandle m, IslHandle heap) {
    (void)m;
    return pop_common(ctx, "heappop", heap, siftup_min);
}
static IslHandle heapreplace_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    return replace_common(ctx, "heapreplace", args, nargs, siftup_min);
}
static IslHandle heappushpop_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    return pushpop_common(ctx, "heappushpop", args, nargs, 0);
}
static IslHandle heapify_impl(IslContext *ctx, IslHandle m, IslHandle heap) {
    (void)m;
    return heapify_common(ctx, "heapify", heap, siftup_min);
}

/* The max-heap family: public from CPython 3.14 (heappush_max and
 * heappushpop_max are new there), underscored before. Each name is its
 * own function so that __name__ and the messages match the running
 * CPython's module. */
static IslHandle heappush_max_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    return push_common(ctx, "heappush_max", args, nargs, siftdown_max);
}
static IslHandle heappop_max_impl(IslContext *ctx, IslHandle m, IslHandle heap) {
    (void)m;
    return pop_common(ctx, "heappop_max", heap, siftup_max);
}
static IslHandle heapreplace_max_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    return replace_common(ctx, "heapreplace_max", args, nargs, siftup_max);
}
static IslHandle heappushpop_max_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    return pushpop_common(ctx, "heappushpop_max", args, nargs, 1);
}
static IslHandle heapify_max_impl(IslContext *ctx, IslHandle m, IslHandle heap) {
    (void)m;
    return heapify_common(ctx, "heapify_max", heap, siftup_max);
}
static IslHandle old_heappop_max_impl(IslContext *ctx, IslHandle m, IslHandle heap) {
    (void)m;
    return pop_common(ctx, "_heappop_max", heap, siftup_max);
}
static IslHandle old_heapreplace_max_impl(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    (void)m;
    return replace_common(ctx, "_heapreplace_max", args, nargs, siftup_max);
}
static IslHandle old_heapify_max_impl(IslContext *ctx, IslHandle m, IslHandle heap) {
    (void)m;
    return heapify_common(ctx, "_heapify_max", heap, siftup_max);
}

ISL_DEF_METH_FASTCALL(heappush_def, "heappush", heappush_impl,
                      "heappush($module, heap, item, /)\n--\n\nPush item onto heap, maintaining the heap invariant.");
ISL_DEF_METH_O(heappop_def, "heappop", heappop_impl,
               "heappop($module, heap, /)\n--\n\nPop the smallest item off the heap, maintaining the heap "
               "invariant.");
ISL_DEF_METH_FASTCALL(heapreplace_def, "heapreplace", heapreplace_impl,
                      "heapreplace($module, heap, item, /)\n--\n\nPop and return the current smallest value, "
                      "and add the new item.");
ISL_DEF_METH_FASTCALL(heappushpop_def, "heappushpop", heappushpop_impl,
                      "heappushpop($module, heap, item, /)\n--\n\nPush item on the heap, then pop and return "
                      "the smallest item from the heap.");
ISL_DEF_METH_O(heapify_def, "heapify", heapify_impl,
               "heapify($module, heap, /)\n--\n\nTransform list into a heap, in-place, in O(len(heap)) time.");
ISL_DEF_METH_FASTCALL(heappush_max_def, "heappush_max", heappush_max_impl,
                      "heappush_max($module, heap, item, /)\n--\n\nPush item onto max heap, maintaining the "
                      "heap invariant.");
ISL_DEF_METH_O(heappop_max_def, "heappop_max", heappop_max_impl,
               "heappop_max($module, heap, /)\n--\n\nMaxheap variant of heappop.");
ISL_DEF_METH_FASTCALL(heapreplace_max_def, "heapreplace_max", heapreplace_max_impl,
                      "heapreplace_max($module, heap, item, /)\n--\n\nMaxheap variant of heapreplace.");
ISL_DEF_METH_FASTCALL(heappushpop_max_def, "heappushpop_max", heappushpop_max_impl,
                      "heappushpop_max($module, heap, item, /)\n--\n\nMaxheap variant of heappushpop.\n\n"
                      "The combined action runs more efficiently than heappush_max()\nfollowed by a separate "
                      "call to heappop_max().");
ISL_DEF_METH_O(heapify_max_def, "heapify_max", heapify_max_impl,
               "heapify_max($module, heap, /)\n--\n\nMaxheap variant of heapify.");
ISL_DEF_METH_O(old_heappop_max_def, "_heappop_max", old_heappop_max_impl,
               "_heappop_max($module, heap, /)\n--\n\nMaxheap variant of heappop.");
ISL_DEF_METH_FASTCALL(old_heapreplace_max_def, "_heapreplace_max", old_heapreplace_max_impl,
                      "_heapreplace_max($module, heap, item, /)\n--\n\nMaxheap variant of heapreplace.");
ISL_DEF_METH_O(old_heapify_max_def, "_heapify_max", old_heapify_max_impl,
               "_heapify_max($module, heap, /)\n--\n\nMaxheap variant of heapify.");

static const IslMethodDef *const heapq_methods[] = {
    &heappush_def,        &heappop_def,         &heapreplace_def,     &heappushpop_def,
    &heapify_def,         &heappush_max_def,    &heappop_max_def,     &heapreplace_max_def,
    &heappushpop_max_def, &heapify_max_def,     &old_heappop_max_def, &old_heapreplace_max_def,
    &old_heapify_max_def, NULL,
};

/* Every function is defined; exec drops the names the running CPython's
 * _heapq does not have. */
static const char *const public_max_names[] = {"heappush_max", "heappop_max", "heapreplace_max",
                                               "heappushpop_max", "heapify_max", NULL};
static const char *const old_max_names[] = {"_heappop_max", "_heapreplace_max", "_heapify_max", NULL};

static int heapq_exec(IslContext *ctx, IslHandle module) {
    uint32_t version;
    if (port_py_version(ctx, &version) < 0) return -1;
    /* gh-110067, CPython 3.14.0b1: the max-heap functions became public
     * and the underscored names left _heapq (heapq.py keeps aliases). */
    return port_drop_attrs(ctx, module, version >= PORT_PY_HEX(3, 14, 0, 0xB, 1) ? old_max_names : public_max_names);
}

static const IslModuleConstant heapq_constants[] = {
    {"__about__", ISL_CONST_STR, 0, 0.0,
     "Heap queues: the isles port of CPython's _heapq. A heap is a list with "
     "heap[k] <= heap[2*k+1] and heap[k] <= heap[2*k+2] for every k."},
    {NULL, ISL_CONST_END, 0, 0.0, NULL},
};

static const IslModuleDef heapq_def = {
    .name = "_heapq",
    .doc = "Heap queue algorithm (a.k.a. priority queue): the isles universal port of _heapq.",
    .methods = heapq_methods,
    .constants = heapq_constants,
    .exec = heapq_exec,
};

ISL_MODINIT(_heapq, heapq_def);
