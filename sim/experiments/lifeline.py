"""Child processes end when their parent ends, kill -9 included.

On Linux the kernel does it: ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` (called through ctypes)
kills a child the moment its parent exits. Elsewhere, or if that call is unavailable, a
daemon thread polls ``os.getppid()`` and exits the process when the parent is gone.

Used by the process pool: the fork server imports this module first (its parent, the
``areasim`` process, is named in :data:`ENV`), and every worker calls :func:`die_with_parent`
as its initializer, so a killed ``areasim experiment`` leaves no fork server and no worker
behind (the resource tracker then sees its pipe close and exits too).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

ENV = "AREASIM_LIFELINE_PARENT"
"""Set by the parent to its pid before starting the fork server."""

PR_SET_PDEATHSIG = 1
POLL_SECONDS = 0.5


def _prctl_pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(POLL_SECONDS)


def die_with_parent(allow_thread: bool = True) -> None:
    """Make this process end when its current parent ends (call it first thing in a child)."""
    parent = os.getppid()
    armed = _prctl_pdeathsig()
    if os.getppid() != parent or parent == 1:  # the parent died before the signal was armed
        os._exit(1)
    if not armed and allow_thread:
        threading.Thread(target=_watch, args=(parent,), name="areasim-lifeline", daemon=True).start()


def mark_parent() -> None:
    """In the parent: name this process as the one the fork server must die with."""
    os.environ[ENV] = str(os.getpid())


if os.environ.get(ENV) == str(os.getppid()):
    # Imported by the fork server (preload), whose parent is the areasim process: no thread here,
    # a fork server must stay single-threaded.
    die_with_parent(allow_thread=False)
