"""Assertion helpers importable inside sub-interpreters, where pytest is not
loaded: the test code of `run(...)` uses these instead of pytest.raises."""
import re


def raises(exc_type, fn, *args, match=None, **kwargs):
    """Calls fn and returns the exception, which must be exc_type (and whose
    str must contain the regex `match`)."""
    try:
        fn(*args, **kwargs)
    except exc_type as exc:
        if match is not None and not re.search(match, str(exc)):
            raise AssertionError(f"{type(exc).__name__}({str(exc)!r}) does not match {match!r}") from exc
        return exc
    raise AssertionError(f"{getattr(fn, '__name__', fn)} did not raise {exc_type.__name__}")
