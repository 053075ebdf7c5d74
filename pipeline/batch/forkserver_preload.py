"""Imported by multiprocessing's fork server when it starts (runner.py preloads it), and only
there: the fork server is then killed by the kernel when the run's main process dies, and its
workers with it (pipeline.batch.lifeline). It also imports the worker module, so that each
worker forked from the server starts with it loaded."""
from __future__ import annotations

from .lifeline import kill_me_with_parent

kill_me_with_parent()

from . import worker  # noqa: E402,F401  (preloaded for the workers forked from here)
