"""The text models of this process: loaded once, shared by every request, run and task.

``embedder("english")`` (MiniLM) and ``embedder("multilingual")`` (e5) are created on first use
and kept for the life of the process (a web worker or an ``accord db_worker``), so no request,
matching run or embedding chunk loads a model again. ``warm_up_in_background()`` loads them,
the Korean analyser and the bilingual lexicon in a daemon thread, so that the first partner
search or run of a fresh process does not pay for the loading; ``MatchingConfig.ready`` starts
it in server and worker processes.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cache

from accord.core import text as core_text

log = logging.getLogger(__name__)

_lock = threading.Lock()
_warm: dict[str, threading.Thread] = {}


@cache
def embedder(kind: str) -> core_text.Embedder:
    """The process's English (MiniLM) or multilingual (e5) model, loaded on first use;
    "english-head" is MiniLM reading only each text's first window (reviewers' publications)."""
    if kind == "english":
        return core_text.MiniLMEmbedder()
    if kind == "english-head":
        return embedder("english").first_window()
    if kind == "multilingual":
        return core_text.E5Embedder()
    raise ValueError(
        f"unknown embedding model {kind!r}: use 'english', 'english-head' or 'multilingual'"
    )


def warm_up() -> float:
    """Load both models, the Korean analyser and the lexicon, and run each model once.

    Returns the seconds it took. Safe to call more than once (later calls find everything
    loaded and take milliseconds).
    """
    start = time.perf_counter()
    embedder("multilingual").embed(["query warm-up"])
    embedder("english").embed(["warm-up"])
    embedder("english-head")
    core_text.tokenize_korean("반도체 소자")
    core_text.load_lexicon()
    return time.perf_counter() - start


def warm_up_in_background() -> threading.Thread:
    """Start :func:`warm_up` in a daemon thread, once per process; return that thread."""
    with _lock:
        thread = _warm.get("thread")
        if thread is None:

            def run() -> None:
                try:
                    log.info("text models warm in %.1f s", warm_up())
                except Exception:  # a missing model must not stop the process from serving
                    log.exception("warming up the text models failed; they load on first use")

            thread = threading.Thread(target=run, name="accord-warm-models", daemon=True)
            _warm["thread"] = thread
            thread.start()
        return thread
