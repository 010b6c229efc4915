"""Names users give things (scenario, regions, archetypes, areas, funds, experiments): safe characters only.

Names end up in folder names, in the ``party:region`` account names of the ledger (split on
``/`` and ``:``), in HTML and on the terminal. A safe name starts with a letter or digit and
holds only letters, digits, spaces and ``_ - . , ' ( ) & +``: no ``/``, ``\\``, ``:``, no
control characters (ESC, newline), no leading dot (so no ``..``).
"""

from __future__ import annotations

from sim.errors import InputError

EXTRA = set(" _-.,'()&+")
ALLOWED = "letters, digits, spaces and _ - . , ' ( ) & + (starting with a letter or digit)"


def bad_character(name: str) -> str | None:
    """The first character that makes ``name`` unsafe, or None if it is safe."""
    if not name:
        return ""
    if not name[0].isalnum():
        return name[0]
    for ch in name:
        if not (ch.isalnum() and ch.isprintable()) and ch not in EXTRA:
            return ch
    if name != name.strip():
        return " "
    return None


def check_name(source: str, field: str, name: str) -> None:
    """Raise InputError naming ``field`` if ``name`` is not a safe name."""
    ch = bad_character(name)
    if ch is None:
        return
    shown = "empty name" if ch == "" else f"character {ch!r} not allowed" if ch != " " or name == name.strip() \
        else "leading or trailing space"
    raise InputError(source, field, name, ALLOWED, problem=shown)
