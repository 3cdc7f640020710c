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
