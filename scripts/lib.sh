# Shared by the entry points in scripts/: finds the CPythons, makes one venv
# per version, builds everything with Meson and stages the results.
#   build/venv/X.Y/    a venv per CPython (meson, ninja, pytest, abi3audit, ...)
#   build/meson/       the one Meson build directory
#   build/python/      the importable `isles` package (runtime for every CPython)
#   build/ports/       the universal ports, named after the modules they replace
# Source it; it sets ISLES_ROOT and defines the functions below.
set -euo pipefail
ISLES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ISLES_BUILD="$ISLES_ROOT/build"
# Version labels: X.Y, or X.Yd for CPython's debug build (Py_DEBUG) of X.Y.
ISLES_VERSIONS_DEFAULT="3.12 3.13 3.14 3.15 3.15d"
# Those taken from Debian's unstable suite (scripts/debian.sh) unless
# ISLES_PYTHONS names one: pyenv has no 3.14, 3.15 or debug build, and only
# 3.13.0 of 3.13, where Debian has the newest point release.
ISLES_DEBIAN_VERSIONS="${ISLES_DEBIAN_VERSIONS-3.13 3.14 3.15 3.15d}"
ISLES_PIP_PACKAGES="meson ninja meson-python pytest abi3audit pyelftools"

log() { printf '\033[1m[isles]\033[0m %s\n' "$*" >&2; }
die() { printf '[isles] error: %s\n' "$*" >&2; exit 1; }
source "$ISLES_ROOT/scripts/debian.sh"

# The label of a CPython binary: X.Y, with a "d" for a debug build.
python_label() {
    "$1" -c 'import sys; print("%d.%d%s" % (sys.version_info[:2] + ("d" if hasattr(sys, "gettotalrefcount") else "",)))' 2>/dev/null
}
# Debug builds (X.Yd) come from Debian too: pyenv has none.
is_debian_version() { [[ " $ISLES_DEBIAN_VERSIONS " == *" $1 "* || "$1" == *d ]]; }

# Prints the path of the CPython of a label: $ISLES_PYTHONS (space-separated
# paths) wins, then Debian's (for ISLES_DEBIAN_VERSIONS, once set up by
# ensure_debian_versions), then pyenv's versions, then pythonX.Y on PATH.
find_python() {
    local want="$1" p
    python_override "$want" && return 0
    if is_debian_version "$want"; then
        p="$(debian_python "$want")"
        [ -x "$p" ] && [ "$(python_label "$p")" = "$want" ] && { echo "$p"; return 0; }
        return 1
    fi
    [[ "$want" == *d ]] && return 1
    local root="${PYENV_ROOT:-$HOME/.pyenv}"
    for p in $(ls -d "$root"/versions/"$want".*/bin/python"$want" 2>/dev/null | sort -V -r); do
        [ -x "$p" ] && { echo "$p"; return 0; }
    done
    command -v "python$want" 2>/dev/null && return 0
    return 1
}
# The CPython of this label that ISLES_PYTHONS names, if any.
python_override() {
    local p; for p in ${ISLES_PYTHONS:-}; do [ "$(python_label "$p")" = "$1" ] && { echo "$p"; return 0; }; done; return 1
}

# Sets up (once; cached) the requested versions that come from Debian.
ensure_debian_versions() {
    local v want=""
    for v in ${ISLES_VERSIONS:-$ISLES_VERSIONS_DEFAULT}; do
        is_debian_version "$v" && ! python_override "$v" >/dev/null && want="$want $v"
    done
    [ -z "$want" ] && return 0
    ( ensure_debian_cpythons $want ) || log "could not set up CPython$want from Debian"
}

# The CPython versions to use: those of ISLES_VERSIONS (default: every
# supported one) that are found. A missing one is skipped with a log line;
# isles_missing_versions lists them so that scripts/test counts each one as a
# failure instead of silently testing less.
isles_versions() {
    local v out=""
    ensure_debian_versions
    for v in ${ISLES_VERSIONS:-$ISLES_VERSIONS_DEFAULT}; do
        if find_python "$v" >/dev/null; then out="$out $v"; else log "CPython $v not found: skipped"; fi
    done
    [ -n "$out" ] || die "no supported CPython found (set ISLES_PYTHONS to their paths)"
    echo $out
}
isles_missing_versions() {
    local v out=""
    ensure_debian_versions
    for v in ${ISLES_VERSIONS:-$ISLES_VERSIONS_DEFAULT}; do find_python "$v" >/dev/null || out="$out $v"; done
    echo $out
}

venv_python() { echo "$ISLES_BUILD/venv/$1/bin/python"; }

# Makes build/venv/X.Y with the tools installed (once; again when the list grows).
ensure_venv() {
    local v="$1" extra="${2:-}" py stamp
    py="$(venv_python "$v")"
    stamp="$ISLES_BUILD/venv/$v/.isles-packages"
    local base; base="$(find_python "$v")" || die "CPython $v not found"
    # A venv of another CPython of this label (ISLES_PYTHONS changed) is made anew.
    if [ -x "$py" ] && [ "$(sed -n 's/^home = //p' "$ISLES_BUILD/venv/$v/pyvenv.cfg")" != "$(dirname "$base")" ]; then
        log "CPython $v is now $base: making its venv anew"
        rm -rf "$ISLES_BUILD/venv/$v"
    fi
    if [ ! -x "$py" ]; then
        log "creating venv for CPython $v"
        if is_debian_version "$v" && ! python_override "$v" >/dev/null; then
            debian_make_venv "$v" "$ISLES_BUILD/venv/$v"
        else
            "$base" -m venv "$ISLES_BUILD/venv/$v"
        fi
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$ISLES_PIP_PACKAGES $extra" ]; then
        log "installing into venv $v: $ISLES_PIP_PACKAGES $extra"
        PYTHONWARNINGS=ignore "$py" -m pip install -q --disable-pip-version-check $ISLES_PIP_PACKAGES $extra
        echo "$ISLES_PIP_PACKAGES $extra" > "$stamp"
    fi
}

# GoogleTest from Debian when it is missing.
ensure_gtest() {
    if [ -f /usr/include/gtest/gtest.h ] || pkg-config --exists gtest 2>/dev/null; then return 0; fi
    log "installing GoogleTest (libgtest-dev) with apt"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libgtest-dev pkg-config >/dev/null
}

# "label version home": which CPython a venv holds.
venv_identity() {
    echo "$1 $("$(venv_python "$1")" -c 'import sys; print(sys.version.split()[0])') $(sed -n 's/^home = //p' "$ISLES_BUILD/venv/$1/pyvenv.cfg")"
}

# Configures (once) and builds build/meson for the given versions, then stages.
build_all() {
    local versions="$1" pys="" v first
    for v in $versions; do pys="$pys,$(venv_python "$v")"; done
    pys="${pys#,}"
    first="$(echo "$versions" | awk '{print $1}')"
    local meson="$ISLES_BUILD/venv/$first/bin/meson" seen="$ISLES_BUILD/meson/.isles-pythons" id ids=""
    # Meson keeps what it learnt of each Python: if a venv now holds another
    # CPython than Meson saw there (a new patch release, or ISLES_PYTHONS),
    # start a new build directory.
    [ -f "$seen" ] || rm -rf "$ISLES_BUILD/meson"  # made before this record was kept
    for v in $versions; do
        id="$(venv_identity "$v")"
        if [ -f "$seen" ] && grep -q "^$v " "$seen" && ! grep -qxF "$id" "$seen"; then
            log "CPython $v changed: configuring Meson anew"; rm -rf "$ISLES_BUILD/meson"
        fi
        ids="$ids$id"$'\n'
    done
    if [ ! -f "$ISLES_BUILD/meson/build.ninja" ]; then
        log "configuring Meson for CPython $versions"
        "$meson" setup "$ISLES_BUILD/meson" "$ISLES_ROOT" -Dpythons="$pys" >/dev/null
        : > "$seen"
    else
        "$meson" configure "$ISLES_BUILD/meson" -Dpythons="$pys" >/dev/null
    fi
    printf '%s' "$ids" | while read -r id; do grep -qxF "$id" "$seen" || echo "$id" >> "$seen"; done
    log "building"
    PATH="$ISLES_BUILD/venv/$first/bin:$PATH" "$meson" compile -C "$ISLES_BUILD/meson" >/dev/null \
        || PATH="$ISLES_BUILD/venv/$first/bin:$PATH" "$meson" compile -C "$ISLES_BUILD/meson"
    stage
}

# Copies the built runtime into build/python/isles, the universal ports into
# build/ports and the per-CPython (unstable-tier) builds of the same ports into
# build/ports-cpXY, named with that CPython's extension suffix.
stage() {
    rm -rf "$ISLES_BUILD/python" "$ISLES_BUILD/ports" "$ISLES_BUILD"/ports-cp*
    mkdir -p "$ISLES_BUILD/python/isles" "$ISLES_BUILD/ports"
    cp -r "$ISLES_ROOT"/shim/isles/. "$ISLES_BUILD/python/isles/"
    cp "$ISLES_BUILD"/meson/shim/_backend_cp*.so "$ISLES_BUILD/python/isles/"
    cp "$ISLES_BUILD"/meson/extensions/*.abi3.so "$ISLES_BUILD/ports/"
    local f base tag suffix
    for f in "$ISLES_BUILD"/meson/extensions/*.unstable-cp*.so; do
        [ -e "$f" ] || continue
        base="$(basename "$f")"; tag="${base##*.unstable-}"; tag="${tag%.so}"
        suffix="$("$(venv_python "${tag:2:1}.${tag:3}")" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
        mkdir -p "$ISLES_BUILD/ports-$tag"
        cp "$f" "$ISLES_BUILD/ports-$tag/${base%%.unstable-*}$suffix"
    done
    # Bytecode for every CPython, as pip would compile it at install: each
    # interpreter importing isles then reads it instead of compiling the
    # source again (PYTHONDONTWRITEBYTECODE machines never write it).
    local v
    for v in $(ls "$ISLES_BUILD/venv"); do
        [ -x "$(venv_python "$v")" ] && "$(venv_python "$v")" -m compileall -q "$ISLES_BUILD/python/isles" >/dev/null
    done
}

# Full setup for the given versions: venvs, GoogleTest, build.
setup_all() {
    local versions="$1" v
    for v in $versions; do ensure_venv "$v" "${2:-}"; done
    ensure_gtest
    build_all "$versions"
}
