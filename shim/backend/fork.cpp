// What isles does when the process forks with interpreters alive. Only the
// forking thread survives, and it is in the main interpreter (isles's own
// interpreters refuse os.fork()); the child keeps the main interpreter and
// drops the others: they are gone from the runtime's list, the registry,
// channel ends and lent buffers, and using one raises
// InterpreterNotFoundError. pthread_atfork's child handler runs inside
// fork(), before CPython's PyOS_AfterFork_Child, which would crash on the
// others otherwise.
#include <pthread.h>

#include <mutex>

#include "backend.h"

extern "C" void isl_runtime_keep_only_main_after_fork(void);  // runtime_state.c

namespace isles::internal {
namespace {

void after_fork_in_child() {
    isl_runtime_keep_only_main_after_fork();
    interpreters_after_fork_in_child();
    lifecycle_after_fork_in_child();
    int64_t main_id = PyInterpreterState_GetID(PyInterpreterState_Main());
    shares_after_fork_in_child(main_id);
    queues_after_fork_in_child();
    xi::Channel::after_fork_in_child(main_id);
}

}  // namespace

void install_fork_handler() {
    static std::once_flag once;
    std::call_once(once, [] { pthread_atfork(nullptr, nullptr, after_fork_in_child); });
}

}  // namespace isles::internal
