"""What every benchmark records about the machine it ran on."""
import platform


def cpu_model():
    """The CPU's model name (Linux), or whatever platform knows."""
    try:
        with open("/proc/cpuinfo") as f:
            return next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), platform.processor())
    except OSError:
        return platform.processor()
