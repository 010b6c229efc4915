"""User-facing input errors: one line naming the file, the field, the value and what is allowed."""

from __future__ import annotations


def printable(text: object) -> str:
    """``text`` with every non-printable character (ESC, newline, other controls) shown as an escape.

    Names and paths come from users and files; printed raw, an ESC sequence or a newline in
    them could forge terminal output.
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class InputError(Exception):
    """A mistake in user input (scenario file, CLI argument, app control).

    Rendered as one line: ``FILE: FIELD = VALUE: PROBLEM; allowed: ALLOWED``.
    The CLI turns it into exit code 2 without a traceback.
    """

    def __init__(self, source: str, field: str, value: object, allowed: str, problem: str = ""):
        self.source = source
        self.field = field
        self.value = value
        self.allowed = allowed
        self.problem = problem
        super().__init__(self.one_line())

    def one_line(self) -> str:
        value = repr(self.value)
        if len(value) > 80:
            value = value[:77] + "..."
        where = f"{self.source}: " if self.source else ""
        field = f"{self.field} = {value}" if self.field else value
        problem = f": {self.problem}" if self.problem else ""
        return printable(f"{where}{field}{problem}; allowed: {self.allowed}")
