"""The README's example extension compiles with only the isles headers and
works in both interpreter modes."""
import re

from conftest import ROOT, compile_shared


def test_readme_example(run, ext_dir):
    text = (ROOT / "README.md").read_text()
    source = re.search(r"```c\n(.*?)```", text, re.S).group(1)
    compile_shared(source, "spam", ext_dir)
    run("""
        import islhelpers as t, spam
        assert spam.add(2, 40) == 42 and spam.__doc__ == "Example."
        assert spam.add.__text_signature__ == "($module, a, b, /)"
        t.raises(TypeError, spam.add, 1, match=r"add\\(\\) takes at least 2 positional arguments \\(1 given\\)")
        t.raises(TypeError, spam.add, 1, "2", match=r"add\\(\\) argument 2 must be an integer, not str")
        t.raises(OverflowError, spam.add, 2**63, 1)
    """)


def test_readme_python_examples():
    """Every ```python block of the README and docs/interpreters.md runs."""
    import os
    import subprocess
    import sys
    for doc in ("README.md", "docs/interpreters.md"):
        for block in re.findall(r"```python\n(.*?)```", (ROOT / doc).read_text(), re.S):
            proc = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True, timeout=120,
                                  env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
            assert proc.returncode == 0, f"{doc}:\n{block}\n{proc.stderr}"
