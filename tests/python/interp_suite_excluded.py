"""Tests of CPython's interpreters suites that isles does not pass, each with
its reason; docs/interpreters.md lists the same (test_cpython_interp_suite
checks that it does). Keys are test ids below test.test_interpreters."""

PRIVATE = "reaches into CPython's private modules (_interpreters, _interpchannels, _testinternalcapi)"
CHANNEL_ID = "expects CPython's private _interpchannels.ChannelID as a channel's id; isles's ids are ints"
EAGER_ID = ("makes a channel end for an id that names no channel and expects the error on first use; "
            "isles raises ChannelNotFoundError when the end is made, as Queue(id) does for queues")
WHENCE = ("expects whence '_interpreters module' for interpreters isles creates; isles says 'isles' "
          "(and the test drives _testinternalcapi)")
SYNCOBJ = ("uses the 3.13 draft's syncobj= argument of create()/put(), which 3.14 dropped "
           "(isles: pickle=False)")
CAPI_OBJ = "builds an Interpreter with CPython's private constructor arguments (_whence, _ownsref)"

EXCLUDED = {
    # None: every version; (3, 13) etc: that version's suite only.
    None: {
        "test_api.ListAllTests.test_created_with_capi": WHENCE,
        "test_api.TestInterpreterExec.test_created_with_capi": CAPI_OBJ,
        "test_api.TestInterpreterPrepareMain.test_created_with_capi": CAPI_OBJ,
        "test_api.TestInterpreterExec.test_display_preserved_exception":
            "compares traceback text naming concurrent.interpreters.ExecutionFailed; isles's is "
            "isles.interpreters.ExecutionFailed",
        "test_channels.TestRecvChannelAttrs.test_id_type": CHANNEL_ID,
        "test_channels.TestSendChannelAttrs.test_id_type": CHANNEL_ID,
        "test_channels.TestRecvChannelAttrs.test_custom_id": EAGER_ID,
        "test_channels.TestRecvChannelAttrs.test_id_readonly": EAGER_ID,
        "test_channels.TestSendChannelAttrs.test_custom_id": EAGER_ID,
        "test_channels.TestSendChannelAttrs.test_id_readonly": EAGER_ID,
        "test_channels.TestSendRecv.test_recv_channel_does_not_exist": EAGER_ID,
        "test_channels.TestSendRecv.test_recv_nowait_channel_does_not_exist": EAGER_ID,
        "test_channels.TestSendRecv.test_send_channel_does_not_exist": EAGER_ID,
        "test_channels.TestSendRecv.test_send_nowait_channel_does_not_exist": EAGER_ID,
        "test_channels.TestSendRecv.test_send_cleared_with_subinterpreter_mixed":
            "counts pending items with CPython's private _interpchannels.get_count",
        "test_channels.TestSendRecv.test_send_cleared_with_subinterpreter_multiple":
            "counts pending items with CPython's private _interpchannels.get_count",
        "test_api.LowLevelTests": "tests CPython's private _interpreters module itself",
        "test_queues.LowLevelTests": "tests CPython's private _interpqueues module itself",
        "test_api.InterpreterObjectTests.test_whence": WHENCE,
        "test_api.TestInterpreterIsRunning.test_created_with_capi": CAPI_OBJ,
        "test_api.TestInterpreterClose.test_created_with_capi": CAPI_OBJ,
        "test_channels.TestSendRecv.test_send_cleared_with_subinterpreter":
            "counts pending items with CPython's private _interpchannels.get_count",
        "test_queues.TestQueueOps.test_timeout_uses_monotonic_clock":
            "patches the Python module's `time`; isles's queues wait in C++ on a steady clock",
        "test_stress.StressTests.test_create_interpreter_no_memory":
            "the harness's sitecustomize runs in every new interpreter, so CPython's own "
            "_interpreters.create() under _testcapi.set_nomemory fails in it with another error",
    },
    # The 3.13 draft (test.support.interpreters) differs from 3.14 here; isles
    # follows 3.14, whose suite covers the same ground on 3.14 and 3.15.
    (3, 13): {
        "test_api.TestInterpreterCall.test_call": "the 3.13 draft's call() returns None; 3.14's returns the result",
        "test_api.TestInterpreterCall.test_call_in_thread":
            "the 3.13 draft's call() returns None; 3.14's returns the result",
        **{f"test_queues.{t}": SYNCOBJ for t in [
            "QueueTests.test_shareable", "TestQueueOps.test_empty",
            "TestQueueOps.test_put_cleared_with_subinterpreter",
            "TestQueueOps.test_put_cleared_with_subinterpreter_mixed",
            "TestQueueOps.test_put_cleared_with_subinterpreter_multiple",
            "TestQueueOps.test_put_get_default_not_syncobj", "TestQueueOps.test_put_get_default_syncobj",
            "TestQueueOps.test_put_get_different_interpreters", "TestQueueOps.test_put_get_different_threads",
            "TestQueueOps.test_put_get_main", "TestQueueOps.test_put_get_same_interpreter",
            "TestQueueOps.test_put_not_syncobj", "TestQueueOps.test_put_nowait", "TestQueueOps.test_put_syncobj",
            "TestQueueOps.test_put_timeout", "TestQueueOps.test_qsize"]},
    },
}


# Tests that 3.14's suite added, excluded on 3.14 and later.
SINCE_314 = {"test_channels.LowLevelTests.test_channel_id_types": CHANNEL_ID}
EXCLUDED[(3, 14)] = EXCLUDED[(3, 15)] = SINCE_314


def for_version(version):
    out = dict(EXCLUDED.get(None, {}))
    out.update(EXCLUDED.get(tuple(version), {}))
    return out


def reason_for(test_id, excluded):
    """The reason test_id (or its class) is excluded, or None."""
    return excluded.get(test_id) or excluded.get(test_id.rpartition(".")[0])
