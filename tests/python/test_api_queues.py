"""The stable-tier C API for queues and channels: an extension puts to and
gets from a queue or channel handed to it, waiting with the GIL released."""
import threading

XI = r"""
static double timeout_of(IslContext *ctx, IslHandle h) { return IslFloat_AsDouble(ctx, h); }
static IslHandle put(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    if (IslQueue_Put(ctx, args[0], args[1], timeout_of(ctx, args[2])) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle get(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslQueue_Get(ctx, args[0], timeout_of(ctx, args[1]));
}
static IslHandle is_queue(IslContext *ctx, IslHandle m, IslHandle h) {
    return IslBool_FromBool(ctx, IslQueue_Check(ctx, h));
}
static IslHandle send(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    if (IslChannel_Send(ctx, args[0], args[1], timeout_of(ctx, args[2])) < 0) return ISL_NULL;
    return IslHandle_Dup(ctx, ctx->h_None);
}
static IslHandle recv(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    return IslChannel_Recv(ctx, args[0], timeout_of(ctx, args[1]));
}
/* Echo loop in C: get from args[0], put to args[1], until None arrives. */
static IslHandle echo(IslContext *ctx, IslHandle m, const IslHandle *args, size_t nargs) {
    int64_t n = 0;
    for (;;) {
        IslHandle item = IslQueue_Get(ctx, args[0], -1.0);
        if (IslHandle_IsNull(item)) return ISL_NULL;
        int done = IslObject_Is(ctx, item, ctx->h_None);
        int r = done ? 0 : IslQueue_Put(ctx, args[1], item, -1.0);
        IslHandle_Close(ctx, item);
        if (r < 0) return ISL_NULL;
        if (done) return IslLong_FromInt64(ctx, n);
        ++n;
    }
}
ISL_DEF_METH_FASTCALL(put_def, "put", put, "");
ISL_DEF_METH_FASTCALL(get_def, "get", get, "");
ISL_DEF_METH_O(isq_def, "is_queue", is_queue, "");
ISL_DEF_METH_FASTCALL(send_def, "send", send, "");
ISL_DEF_METH_FASTCALL(recv_def, "recv", recv, "");
ISL_DEF_METH_FASTCALL(echo_def, "echo", echo, "");
"""
XI_METHODS = ["put_def", "get_def", "isq_def", "send_def", "recv_def", "echo_def"]


def xi_module(make_module):
    # ISL_DEF_METH_* may require a trailing ';' in newer headers: accept both spellings
    return make_module(XI, XI_METHODS)


def test_queue_and_channel_c_api(run, make_module):
    run("""
        import islhelpers as t, isles.interpreters as I, threading, time
        q = I.create_queue(maxsize=1, pickle=False)
        assert mod.is_queue(q) and not mod.is_queue([])
        mod.put(q, (1, "two"), 0.0)
        t.raises(I.QueueFull, mod.put, q, 3, 0.0)
        t.raises(I.QueueFull, mod.put, q, 3, 0.02)
        assert mod.get(q, -1.0) == (1, "two")
        t.raises(I.QueueEmpty, mod.get, q, 0.0)
        t.raises(I.NotShareableError, mod.put, q, [1], 0.0)
        t.raises(TypeError, mod.put, [], 1, 0.0, match="expected an isles.interpreters.Queue, got list")
        t.raises(TypeError, mod.get, 5, 0.0)
        r, s = I.create_channel()
        t.raises(TimeoutError, mod.send, s, 1, 0.02)
        t.raises(I.ChannelEmptyError, mod.recv, r, 0.0)
        t.raises(TimeoutError, mod.recv, r, 0.02)
        got = []
        th = threading.Thread(target=lambda: got.append(mod.recv(r, -1.0)))
        th.start()
        mod.send(s, "hello", -1.0)  # waits until the thread received it
        th.join()
        assert got == ["hello"]
        t.raises(TypeError, mod.send, r, 1, 0.0, match="SendChannel")
        s.close(force=True)
        t.raises(I.ChannelClosedError, mod.recv, r, -1.0)
    """, xi_module(make_module))


def test_c_extension_blocks_without_holding_the_gil(make_module, ext_dir):
    """An own-GIL interpreter runs a C echo loop blocked in IslQueue_Get;
    the main interpreter keeps running meanwhile."""
    import isles.interpreters as interpreters
    name = xi_module(make_module)
    inbox, outbox = interpreters.create_queue(), interpreters.create_queue()
    interp = interpreters.create()
    try:
        interp.prepare_main(inbox=inbox, outbox=outbox)
        result = interpreters.create_queue()
        interp.prepare_main(result=result)
        t = threading.Thread(target=interp.exec, args=(
            f"import sys\nsys.path.insert(0, {str(ext_dir)!r})\nimport {name} as mod\n"
            "result.put(mod.echo(inbox, outbox))",))
        t.start()
        for i in range(500):
            inbox.put(i)
            assert outbox.get(timeout=10) == i
        inbox.put(None)
        assert result.get(timeout=10) == 500
        t.join()
    finally:
        interp.close()
