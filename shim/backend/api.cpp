// The entry table universal extensions find through the backend's `_api`
// capsule, with the object layout it publishes to their trampolines.
// PyModuleObject is declared only in CPython's internal headers, so this one
// file opts in to them; it defines nothing but the table.
#include "backend.h"

#define Py_BUILD_CORE 1
#include <internal/pycore_moduleobject.h>
#define ISL_LAYOUT_MODULE_OBJECT 1
#include "layout.h"  // again: the module object's part

#include <cstddef>

namespace isles::internal {
// A trampoline finds its context from `self` with loads instead of
// PyModule_GetState: module->md_state, or a defining class's ht_module.
// Only what CPython itself keeps as plain pointers, and both are read only
// from objects the runtime created. The context itself is then the module's
// own copy, inside its state (loader.cpp).
const _IslBackendApi backend_api = {
    ISL_ABI_VERSION_MAJOR,
    ISL_ABI_VERSION_MINOR,
    "isles._backend_" ISL_STR(ISL_BACKEND_TAG),
    module_init,
    {layout::kModuleState, layout::kTypeModule, kStateContextOffset, kInlineFlags, layout::kTupleItems},
};
}  // namespace isles::internal
