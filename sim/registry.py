"""One plug-in registry for cooperation models, negotiation protocols and fund instruments.

A plug-in is one class with a ``name`` (a cooperation model or protocol) or a ``type`` (a
fund instrument) and a docstring; it becomes available by decorating it with the
registry's :meth:`Registry.register`. A scenario or design file names a plug-in by its
registered name, or as ``package.module:Class`` — but only from a package the user allowed
(``AREASIM_PLUGINS=package1,package2`` in the environment, or :func:`allow_package` from
Python), so a data file never imports arbitrary installed code.
"""

from __future__ import annotations

import importlib
import os
import re

from sim.errors import InputError

ALLOW_ENV = "AREASIM_PLUGINS"
"""Environment variable: comma-separated top-level packages a data file may load plug-ins from."""
_IMPORT_PATH = re.compile(r"^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*$")
_allowed: set[str] = set()


def allow_package(package: str) -> None:
    """Allow data files to load plug-ins (``package.module:Class``) from a top-level package."""
    _allowed.add(package.split(".")[0])


def allowed_packages() -> set[str]:
    """Top-level packages plug-ins may be loaded from: areasim's own (``sim``), the environment's and those
    allowed in Python."""
    env = {p.strip() for p in os.environ.get(ALLOW_ENV, "").split(",") if p.strip()}
    return {"sim"} | _allowed | env


class Registry[T]:
    """Plug-ins of one kind, by name.

    Args:
        kind: what the plug-ins are, for messages ("cooperation model").
        base: the class every plug-in subclasses.
        key: the class attribute that names a plug-in ("name" or "type").
    """

    def __init__(self, kind: str, base: type[T], key: str = "name") -> None:
        self.kind = kind
        self.base = base
        self.key = key
        self._classes: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: make ``cls`` available by its name."""
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise TypeError(f"a {self.kind} must subclass {self.base.__name__}")
        self._classes[getattr(cls, self.key)] = cls
        return cls

    def names(self) -> list[str]:
        """Registered names, in registration order (built-ins first)."""
        return list(self._classes)

    def classes(self) -> dict[str, type[T]]:
        """Registered classes by name."""
        return dict(self._classes)

    def allowed_text(self) -> str:
        return ", ".join(self._classes) + f", or 'package.module:Class' from a package in {ALLOW_ENV}"

    def resolve(self, name: str, source: str = "", field: str = "") -> type[T]:
        """The class registered as ``name``, or loaded from an allowed ``package.module:Class``.

        Raises:
            InputError: one line: unknown name, malformed path, package not allowed, import failure
                (with its cause), or a class of the wrong kind.
        """
        if name in self._classes:
            return self._classes[name]
        allowed = self.allowed_text()
        if ":" not in name:
            raise InputError(source, field, name, allowed, problem=f"unknown {self.kind}")
        if not _IMPORT_PATH.match(name):
            raise InputError(source, field, name, allowed, problem="not a valid 'package.module:Class' path")
        module_name, _, class_name = name.partition(":")
        if module_name.split(".")[0] not in allowed_packages():
            raise InputError(source, field, name, allowed,
                             problem=f"package {module_name.split('.')[0]!r} is not allowed to provide plug-ins "
                                     f"(add it to {ALLOW_ENV})")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # noqa: BLE001 - any failure while importing a plug-in is the user's to fix
            raise InputError(source, field, name, allowed,
                             problem=f"cannot import module {module_name!r} ({type(exc).__name__}: {exc})") from None
        cls = getattr(module, class_name, None)
        if cls is None:
            raise InputError(source, field, name, allowed, problem=f"module {module_name!r} has no {class_name!r}")
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise InputError(source, field, name, allowed, problem=f"not a {self.base.__name__} subclass")
        return cls
