# Sourced by lib.sh: CPythons that pyenv does not have, taken from Debian's
# unstable suite (sid) and made runnable on this older Debian.
#
#   build/cpython/apt/     a private apt configuration: its own sources file
#                          (sid, with the mirror of the machine's own sources),
#                          lists, cache and an empty dpkg status, so the
#                          machine's apt state is never read or written
#   build/cpython/debs/    the downloaded packages
#   build/cpython/root/    all of them unpacked with dpkg -x; its python3.X is
#                          patched to start with the unpacked dynamic loader
#                          and a DT_RPATH to the unpacked libraries
#
# One root holds every version, so they share one C library. A second run with
# the same request downloads and unpacks nothing (root/.isles-request).
ISLES_CPYTHON="${ISLES_CPYTHON:-$ISLES_BUILD/cpython}"
ISLES_DEBIAN_SUITE="${ISLES_DEBIAN_SUITE:-sid}"

# The Debian packages for one version label: X.Y, or X.Yd for the debug build.
debian_packages_for() {
    local v="${1%d}"
    local p="python$v libpython$v-stdlib libpython$v-dev python$v-venv libpython$v-testsuite"
    [ "$1" = "$v" ] || p="$p python$v-dbg libpython$v-dbg"
    echo "$p"
}

# The main archive's address in the machine's own apt sources, with the
# keyring that source is signed by (if it names one): "URI KEYRING". The
# sources are where the machine's apt says (apt-config), deb822 files and
# one-line lists alike; the security archive is skipped.
debian_mirror() {
    local SOURCELIST SOURCEPARTS f found
    eval "$(apt-config shell SOURCELIST Dir::Etc::sourcelist/f SOURCEPARTS Dir::Etc::sourceparts/d)"
    for f in "$SOURCEPARTS"*.sources; do
        [ -f "$f" ] || continue
        # deb822: stanzas split by blank lines; URIs and Signed-By of the first
        # stanza with a non-security URI.
        found="$(awk 'BEGIN {RS = ""; FS = "\n"}
            {uri = ""; key = ""
             for (i = 1; i <= NF; i++) {
                 if ($i ~ /^URIs:/) { n = split($i, u, /[ \t]+/); for (j = 2; j <= n; j++) if (u[j] !~ /security/) { uri = u[j]; break } }
                 if ($i ~ /^Signed-By:[ \t]*[^ \t]/) { key = $i; sub(/^Signed-By:[ \t]*/, "", key) }
             }
             if (uri != "") { print uri, key; exit }}' "$f")"
        [ -n "$found" ] && { echo "$found"; return 0; }
    done
    for f in "$SOURCELIST" "$SOURCEPARTS"*.list; do
        [ -f "$f" ] || continue
        found="$(awk '$1 == "deb" {key = ""
            for (i = 2; i <= NF; i++) {
                if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/[] ].*/, "", key) }
                if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i, key; exit } break }
            }}' "$f")"
        [ -n "$found" ] && { echo "$found"; return 0; }
    done
    return 1
}

debian_root() { echo "$ISLES_CPYTHON/root"; }

# The prefix Debian's packages install under (Debian's policy says usr),
# relative to the tree they were unpacked into: where bin/python<label> landed.
# Fails when the tree has no such interpreter.
debian_prefix() {
    local tree="$1" label="$2" py
    for py in "$tree"/*/bin/python"$label"; do
        [ -x "$py" ] || continue
        py="${py#"$tree"/}"; echo "${py%/bin/python"$label"}"; return 0
    done
    return 1
}

# The interpreter binary of a version label in the private root.
debian_python() {
    local root prefix
    root="$(debian_root)"
    prefix="$(debian_prefix "$root" "$1")" || return 0  # not set up: a path that does not exist
    echo "$root/$prefix/bin/python$1"
}

# Writes the private apt configuration and prints its path.
debian_apt_config() {
    local apt="$ISLES_CPYTHON/apt" mirror keyring options=""
    read -r mirror keyring < <(debian_mirror) || die "no Debian mirror in the machine's apt sources"
    # Signed as the machine's own source is; without a keyring file named
    # there, apt's trusted keys (Dir::Etc::TrustedParts) verify the suite.
    [ -n "$keyring" ] && [ -f "$keyring" ] && options="[signed-by=$keyring] "
    mkdir -p "$apt/etc/sources.list.d" "$apt/etc/preferences.d" "$apt/lists/partial" "$apt/cache/archives/partial"
    : > "$apt/status"
    echo "deb ${options}${mirror%/} $ISLES_DEBIAN_SUITE main" > "$apt/etc/sources.list"
    cat > "$apt/apt.conf" <<EOF
Dir::Etc::SourceList "$apt/etc/sources.list";
Dir::Etc::SourceParts "$apt/etc/sources.list.d";
Dir::Etc::Preferences "$apt/etc/preferences";
Dir::Etc::PreferencesParts "$apt/etc/preferences.d";
Dir::State::Lists "$apt/lists";
Dir::State::status "$apt/status";
Dir::Cache "$apt/cache";
Debug::NoLocking "true";
APT::Install-Recommends "false";
Acquire::Languages "none";
EOF
    echo "$apt/apt.conf"
}

# Debian's tools this needs, installed from the machine's own sources.
ensure_debian_tools() {
    local missing="" t
    for t in apt-get dpkg-deb patchelf; do command -v "$t" >/dev/null || missing="$missing $t"; done
    [ -z "$missing" ] && return 0
    log "installing patchelf with apt"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq patchelf >/dev/null
}

# Makes sure the private root holds the given version labels (X.Y or X.Yd),
# besides those it holds already: a run for fewer versions never takes any
# away. Serialized by a lock, since several runs may share one root.
ensure_debian_cpythons() {
    mkdir -p "$ISLES_CPYTHON"
    (
        flock 9
        _ensure_debian_cpythons "$@"
    ) 9>"$ISLES_CPYTHON/.lock"
}
_ensure_debian_cpythons() {
    local labels request root conf pkgs v have absent
    root="$(debian_root)"
    have="$(sed -n 's/^labels: //p' "$root/.isles-request" 2>/dev/null || true)"
    absent="$(sed -n 's/^absent: //p' "$root/.isles-request" 2>/dev/null || true)"
    local todo=""
    for v in "$@"; do [[ " $have $absent " == *" $v "* ]] || todo="$todo $v"; done
    [ -z "$todo" ] && [ -n "$have" ] && return 0
    ensure_debian_tools
    conf="$(debian_apt_config)"
    APT_CONFIG="$conf" apt-get update -qq >/dev/null 2>&1 || APT_CONFIG="$conf" apt-get update -q \
        || die "apt-get update of Debian $ISLES_DEBIAN_SUITE failed"
    labels=""
    for v in $(echo $have "$@" | tr ' ' '\n' | sort -u); do
        if APT_CONFIG="$conf" apt-cache show $(debian_packages_for "$v") >/dev/null 2>&1; then
            labels="$labels $v"
        else
            log "Debian $ISLES_DEBIAN_SUITE has no CPython $v"; absent="$absent $v"
        fi
    done
    labels="$(echo $labels)"
    [ -n "$labels" ] || die "Debian $ISLES_DEBIAN_SUITE has none of the CPythons asked for"
    request="$ISLES_DEBIAN_SUITE: $(for v in $labels; do debian_packages_for "$v"; done | tr ' ' '\n' | sort -u | xargs)"
    log "CPython $labels from Debian $ISLES_DEBIAN_SUITE (a private apt configuration, unpacked into $root)"
    # apt's own resolver against an empty status: every library the packages
    # need, as the suite's metadata says today.
    pkgs="$(APT_CONFIG="$conf" apt-get install -s ${request#*:} 2>&1 | awk '/^Inst / {print $2}')"
    [ -n "$pkgs" ] || { APT_CONFIG="$conf" apt-get install -s ${request#*:} >&2; die "apt could not resolve ${request#*:}"; }
    mkdir -p "$ISLES_CPYTHON/debs"
    # Only what is not in the cache yet (apt names each file it would fetch).
    local fetch
    fetch="$(cd "$ISLES_CPYTHON/debs" && APT_CONFIG="$conf" apt-get download --print-uris $pkgs \
             | awk '{print $2}' | while read -r f; do [ -s "$f" ] || echo "${f%%_*}"; done)"
    if [ -n "$fetch" ]; then
        (cd "$ISLES_CPYTHON/debs" && APT_CONFIG="$conf" apt-get download -qq $fetch 2>"$ISLES_CPYTHON/download.log") \
            || { cat "$ISLES_CPYTHON/download.log" >&2; die "apt-get download failed"; }
    fi
    # Unpacked and patched beside the root, then swapped in: processes using
    # the old root (other runs sharing it) never see it half made.
    local p deb new="$root.new"
    rm -rf "$new"; mkdir -p "$new"
    for p in $pkgs; do
        deb="$(ls -t "$ISLES_CPYTHON/debs/${p%%:*}"_*.deb 2>/dev/null | head -1)"
        [ -n "$deb" ] || die "apt-get download left no package file for $p"
        # dpkg -x, less the detached debug symbols (hundreds of MiB, never read
        # here): Debian keeps them in .build-id directories, wherever its prefix is
        dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$new" --exclude='.build-id' \
            || die "unpacking $deb failed"
    done
    for v in $labels; do debian_relocate "$v" "$new"; done
    rm -rf "$root.old"; [ -d "$root" ] && mv "$root" "$root.old"
    mv "$new" "$root"; rm -rf "$root.old"
    for v in $labels; do
        "$(debian_python "$v")" -c 'import sys, ssl, sqlite3, ctypes, sysconfig' \
            || die "CPython $v from Debian does not start here"
    done
    printf '%s\nlabels: %s\nabsent: %s\n' "$request" "$labels" "$(echo $absent)" > "$root/.isles-request"
}

# Makes python<label> of the root run here and describe itself truthfully.
debian_relocate() {
    local label="$1" at="$2" root rel py arch libdir multiarch d
    rel="$(debian_prefix "$at" "$label")" || die "Debian's packages for CPython $label have no bin/python$label"
    root="$(debian_root)/$rel"  # the paths written are the final ones; files are edited under $at/$rel
    at="$at/$rel"
    py="$at/bin/python$label"
    multiarch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine | sed 's/-pc-/-/; s/-unknown-/-/')"
    libdir="$root/lib/$multiarch"
    arch="$(cd "$at/lib/$multiarch" && ls ld-linux*.so.* 2>/dev/null | head -1)"
    [ -n "$arch" ] || die "no dynamic loader in $rel/lib/$multiarch"
    # DT_RPATH, not DT_RUNPATH: only the former also serves what lib-dynload
    # modules load (libssl, libffi, ...).
    patchelf --set-interpreter "$libdir/$arch" --force-rpath --set-rpath "$libdir" "$py"
    # Debian's Python.h includes a pyconfig.h that includes the real one from
    # a multiarch directory only the system include path would reach: put the
    # real one in its place, so `-I$(sysconfig include)` is enough, as elsewhere.
    d="python${label}"
    [ -f "$at/include/$multiarch/$d/pyconfig.h" ] \
        && cp "$at/include/$multiarch/$d/pyconfig.h" "$at/include/$d/pyconfig.h"
    # The build-time prefix in sysconfig data and pkg-config files (the one the
    # packages were unpacked under, from the file system's root) names the
    # machine's own: point it at the root.
    local f
    for f in "$at/lib/python${label%d}"/_sysconfigdata_*"$multiarch".py \
             "$at/lib/python${label%d}"/_sysconfig_vars_*"$multiarch".json \
             "$at/lib/python${label%d}"/build-details*.json \
             "$at/lib/$multiarch"/pkgconfig/python-"${label%d}"*.pc; do
        [ -f "$f" ] || continue
        grep -q "$root" "$f" && continue
        sed -i -E "s#(['\" =:-]|-[IL])/$rel(/|['\"]|\$)#\1$root\2#g" "$f"
    done
    rm -rf "$at/lib/python${label%d}"/__pycache__/_sysconfigdata_*
}

# Makes build/venv/<label> for a Debian CPython: venv without pip (Debian's
# ensurepip looks for wheels in the machine's own share directory), then pip
# from the unpacked wheel.
debian_make_venv() {
    local label="$1" dir="$2" wheel rel
    "$(debian_python "$label")" -m venv --without-pip "$dir"
    rel="$(debian_prefix "$(debian_root)" "$label")"
    wheel="$(ls "$(debian_root)/$rel"/share/python-wheels/pip-*.whl | sort -V | tail -1)"
    [ -n "$wheel" ] || die "no pip wheel in Debian's python3-pip-whl"
    "$dir/bin/python" "$wheel/pip" install -q --disable-pip-version-check --no-index "$wheel"
}
