"""python -m isles COMMAND: command-line tools of the isles runtime.

    check FILE.so...   what an isles extension was built for, and any symbol
                       its tier does not allow (see isles/check.py)
"""
import sys


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    if argv[0] == "check":
        from isles.check import main as check
        return check(argv[1:])
    print(f"python -m isles: unknown command {argv[0]!r} (try: check)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
