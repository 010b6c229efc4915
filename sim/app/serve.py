"""Serve the app with Solara and stop the server with us.

``areasim app`` starts the Solara server as a child process. Without care a SIGTERM (or
closing the terminal) would end ``areasim`` and leave the server holding the port. Here
SIGINT, SIGTERM and SIGHUP are passed on to the server, which is then waited for (and
killed after a grace period), so stopping ``areasim app`` always frees the port.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

GRACE_SECONDS = 10.0
"""s the server gets to shut down after a signal before it is killed."""


def solara_command(host: str, port: int) -> list[str]:
    solara = Path(sys.executable).with_name("solara")
    return [str(solara) if solara.exists() else "solara", "run", "sim.app.app", "--host", host,
            "--port", str(port), "--production"]


def serve(host: str, port: int) -> int:
    """Run the app server until it exits or we are signalled; returns its exit code."""
    from sim.experiments.lifeline import die_with_parent

    # the server dies with us even on kill -9 (PR_SET_PDEATHSIG), and stops with us on a signal
    server = subprocess.Popen(solara_command(host, port), preexec_fn=lambda: die_with_parent(allow_thread=False))
    stopping = []

    def forward(signum, _frame) -> None:
        stopping.append(signum)
        if server.poll() is None:
            server.send_signal(signal.SIGTERM if signum != signal.SIGINT else signal.SIGINT)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    deadline = None
    try:
        while True:
            try:
                code = server.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if stopping and deadline is None:
                    deadline = time.monotonic() + GRACE_SECONDS
                if deadline is not None and time.monotonic() > deadline:
                    server.kill()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return 0 if stopping else code
