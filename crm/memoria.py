"""Memory plumbing for the few CPU-heavy paths (order recalculation, PDF rendering)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sem_coleta_de_ciclos() -> Iterator[None]:
    """The cyclic garbage collector paused for the block; back on afterwards only if it was on
    before (nesting, and a server that tunes the GC itself, are left alone).

    Why: a path that allocates hundreds of thousands of short-lived objects (500 items'
    calculation; WeasyPrint's boxes, styles and Pango wrappers for a 20-page proposal)
    triggers young and full collections that walk every tracked object of the worker again:
    ~20 % of a recalculation's CPU and ~25 % of a long PDF's (measured, bench/pedido.py), for
    the same peak memory. Reference counting still frees everything not in a cycle; what is
    left in cycles is collected as soon as the GC is back on."""
    ligado = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if ligado:
            gc.enable()
