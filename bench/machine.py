"""What every benchmark records about the machine it ran on."""
import platform


def cpu_model():
    """The CPU's model name (Linux), or whatever platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            return next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), platform.processor())
    except OSError:
        return platform.processor()


def python_label():
    """X.Y of the running CPython, with "d" for a debug build (as scripts/ name them)."""
    import sys
    return "%d.%d%s" % (*sys.version_info[:2], "d" if hasattr(sys, "gettotalrefcount") else "")
