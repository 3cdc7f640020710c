/* isles unstable tier: IslUnstable_* names, rebuilt for each CPython release.
 * Only reachable when the author defines ISL_UNSTABLE_API; empty in ABI 0.1
 * (the per-CPython zero-overhead build lands with ABI 0.2). */
#ifndef ISLES_UNSTABLE_UNSTABLE_H
#define ISLES_UNSTABLE_UNSTABLE_H
#ifndef ISL_UNSTABLE_API
#error "isles/unstable/unstable.h: define ISL_UNSTABLE_API to opt in to the unstable tier (rebuild per CPython release)"
#endif
#endif
