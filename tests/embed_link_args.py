"""Prints the extra linker arguments (one per line) for a program that embeds
the CPython running this script.

Nothing for a CPython that runs with the system's dynamic loader. A CPython
unpacked from a newer Debian (scripts/debian.sh) runs with the loader and C
library it was unpacked with; a program linked against its libpython must
too: that loader as the program's interpreter, a DT_RPATH to its libraries,
and no check of libpython's symbol versions against the older C library the
linker sees here."""
import os
import struct
import sys
import sysconfig


def elf_interpreter(path):
    with open(path, "rb") as f:
        data = f.read(1 << 16)
    if data[:4] != b"\x7fELF" or data[4] != 2:  # 64-bit ELF only (the brief's platforms)
        return None
    e = "<" if data[5] == 1 else ">"
    phoff, = struct.unpack_from(e + "Q", data, 0x20)
    phentsize, phnum = struct.unpack_from(e + "HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(e + "IIQQQQ", data, phoff + i * phentsize)
        if p_type == 3:  # PT_INTERP
            with open(path, "rb") as f:
                f.seek(p_offset)
                return f.read(p_filesz).rstrip(b"\0").decode()
    return None


ours = elf_interpreter(os.path.realpath(sys.executable))
system = elf_interpreter("/bin/sh")
if ours and system and os.path.realpath(ours) != os.path.realpath(system):
    print("-Wl,--dynamic-linker=" + ours)
    print("-Wl,--disable-new-dtags")
    print("-Wl,-rpath," + sysconfig.get_config_var("LIBDIR"))
    print("-Wl,--allow-shlib-undefined")
