/* What the ports share to follow the Python-level API of the CPython they
 * run in. The universal binary is one file for every CPython, so the
 * version is read at module exec (never per call, never at compile time).
 *
 * The stable tier has no call for the running version: this reads
 * sys.hexversion through the import system, which costs one import at exec
 * and needs nothing from the runtime. */
#ifndef ISLES_PORTS_PYVERSION_H
#define ISLES_PORTS_PYVERSION_H

#include <isles/isles.h>

/* CPython's PY_VERSION_HEX layout; level is 0xA, 0xB, 0xC or 0xF (final),
 * or 0 to mean "from the first pre-release on". */
#define PORT_PY_HEX(major, minor, micro, level, serial) \
    ((uint32_t)(major) << 24 | (uint32_t)(minor) << 16 | (uint32_t)(micro) << 8 | (uint32_t)(level) << 4 | (serial))

/* sys.hexversion of the running CPython: 0, or -1 with an exception set. */
static inline int port_py_version(IslContext *ctx, uint32_t *hexversion) {
    IslHandle sys = IslImport_ImportModule(ctx, "sys");
    if (IslHandle_IsNull(sys)) return -1;
    IslHandle hv = IslObject_GetAttrString(ctx, sys, "hexversion");
    IslHandle_Close(ctx, sys);
    if (IslHandle_IsNull(hv)) return -1;
    int64_t v = IslLong_AsInt64(ctx, hv);
    IslHandle_Close(ctx, hv);
    if (v == -1 && IslErr_Occurred(ctx)) return -1;
    *hexversion = (uint32_t)v;
    return 0;
}

/* Removes the module attributes `names` (NULL-terminated) that the running
 * CPython's module does not have; functions are defined for every version
 * and the ones this version lacks are dropped at exec. 0, or -1. */
static inline int port_drop_attrs(IslContext *ctx, IslHandle module, const char *const *names) {
    IslHandle dict = IslObject_GetAttrString(ctx, module, "__dict__");
    if (IslHandle_IsNull(dict)) return -1;
    int r = 0;
    for (; *names && r == 0; names++) {
        IslHandle key = IslStr_FromUTF8(ctx, *names);
        if (IslHandle_IsNull(key)) {
            r = -1;
            break;
        }
        r = IslDict_DelItem(ctx, dict, key);
        IslHandle_Close(ctx, key);
    }
    IslHandle_Close(ctx, dict);
    return r;
}

#endif
