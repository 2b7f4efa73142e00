"""accord.core.text: tokenisation, lexical similarity, embedding cache, dense models."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence

import numpy as np
import pytest

from accord.core.text import (
    EmbeddingCache,
    TextError,
    detect_language,
    embed_cached,
    embed_into_cache,
    lexical_similarity,
    light_stem,
    normalise_language,
    tokenize,
)


def test_korean_tokenisation_splits_particles() -> None:
    assert tokenize("반도체의 결함을 예측한다", "ko")[:2] == ["반도체", "결함"]
    assert "반도체" in tokenize("반도체의", "ko")
    assert "반도체의" not in tokenize("반도체의", "ko")


def test_korean_tokenisation_normalises_latin_words_like_english() -> None:
    assert "qubit" in tokenize("초전도 Qubits의 결맞음", "ko")


def test_english_tokenisation_lowercases_drops_stopwords_and_stems() -> None:
    assert tokenize("The Graphs of Qubits are studied using Novel methods") == ["graph", "qubit"]


@pytest.mark.parametrize(
    ("word", "stem"),
    [("graphs", "graph"), ("studies", "study"), ("learning", "learn"), ("modelled", "model"),
     ("class", "class"), ("analysis", "analysis"), ("gas", "gas")],
)  # fmt: skip
def test_light_stem(word: str, stem: str) -> None:
    assert light_stem(word) == stem


def test_detect_language() -> None:
    assert detect_language("양자 컴퓨팅을 위한 초전도 큐비트") == "ko"
    assert detect_language("Superconducting qubits for quantum computing") == "en"
    assert detect_language("GaN 전력 반도체 소자") == "ko"


@pytest.mark.parametrize(
    ("code", "norm"), [("en", "en"), ("EN-gb", "en"), ("kor", "ko"), ("ko_KR", "ko")]
)
def test_normalise_language_accepts_variants(code: str, norm: str) -> None:
    assert normalise_language(code) == norm


def test_normalise_language_rejects_unknown_code_naming_it() -> None:
    with pytest.raises(TextError, match="unknown language code 'xx'"):
        normalise_language("xx")


@pytest.mark.parametrize("method", ["tfidf", "bm25"])
def test_lexical_similarity_ranks_shared_topic_first(method: str) -> None:
    queries = [
        tokenize("superconducting qubit coherence defects"),
        tokenize("perovskite solar cell"),
    ]
    docs = [
        tokenize("solar cells from perovskite films"),
        tokenize("coherence of superconducting qubits"),
        tokenize("graph databases"),
    ]
    sim = lexical_similarity(queries, docs, method=method)  # type: ignore[arg-type]
    assert sim.shape == (3, 2)
    assert int(np.argmax(sim[:, 0])) == 1
    assert int(np.argmax(sim[:, 1])) == 0
    assert float(sim[2].max()) == 0.0


def test_lexical_similarity_empty_inputs_give_empty_matrix() -> None:
    assert lexical_similarity([], [["a"]]).shape == (1, 0)
    assert lexical_similarity([[]], [[]]).shape == (1, 1)


class CountingEmbedder:
    """A deterministic stand-in model that counts how many texts it was asked to embed."""

    model_id = "counting/v1"
    dim = 4

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += len(texts)
        out = np.array([[len(t), t.count("a"), t.count("e"), 1.0] for t in texts], dtype=np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def test_cache_avoids_re_embedding(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = CountingEmbedder()
    cache = EmbeddingCache(tmp_path)
    assert embed_into_cache(model, ["alpha", "beta", "alpha"], cache) == 2
    assert model.calls == 2
    assert embed_into_cache(model, ["beta", "gamma"], cache) == 1
    assert model.calls == 3
    reopened = EmbeddingCache(tmp_path)
    vectors = embed_cached(model, ["gamma", "alpha", "beta"], reopened)
    assert model.calls == 3
    np.testing.assert_array_equal(vectors, model.embed(["gamma", "alpha", "beta"]))


def test_cache_keys_depend_on_model_id() -> None:
    a, b = CountingEmbedder(), CountingEmbedder()
    b.model_id = "counting/v2"
    cache = EmbeddingCache()
    embed_into_cache(a, ["x"], cache)
    assert embed_into_cache(b, ["x"], cache) == 1
    assert len(cache) == 2


def test_minilm_onnx_matches_topics() -> None:
    from accord.core.text import MiniLMEmbedder

    model = MiniLMEmbedder()
    v = model.embed(
        ["Transmon qubit decoherence from two-level systems",
         "Superconducting qubits lose coherence to material defects",
         "Perovskite solar cell efficiency"]
    )  # fmt: skip
    assert v.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2]) + 0.2


def test_importing_the_core_does_not_import_django() -> None:
    code = (
        "import sys, accord.core.text, accord.core.affinity, accord.cli.affinity; "
        "print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


LONG_ABSTRACT = " ".join(
    ["Transmon qubits lose coherence to two-level systems in amorphous oxides."] * 25
    + ["Perovskite solar cells degrade under humidity and ultraviolet light."] * 25
)


def test_minilm_reads_a_long_text_in_windows_and_a_short_one_as_is() -> None:
    from accord.core.text import MiniLMEmbedder

    chunked = MiniLMEmbedder(max_tokens=64, stride=16)
    cut = MiniLMEmbedder(max_tokens=64, chunk=False)
    windows, owner = chunked._windows([LONG_ABSTRACT, "Transmon qubits"])
    assert max(len(w) for w in windows) == 64
    assert owner.count(0) > 10 and owner.count(1) == 1
    short = ["Transmon qubit decoherence from two-level systems"]
    np.testing.assert_allclose(chunked.embed(short), cut.embed(short), atol=1e-6)
    solar = cut.embed(["Perovskite solar cells degrade under humidity"])[0]
    # Cut at 64 pieces the long text is only about qubits; read in windows it is also solar.
    assert (
        float(chunked.embed([LONG_ABSTRACT])[0] @ solar)
        > float(cut.embed([LONG_ABSTRACT])[0] @ solar) + 0.1
    )
    assert chunked.model_id != cut.model_id  # cached vectors of one never serve the other


def test_minilm_first_window_reads_like_a_cut_model_on_the_same_session() -> None:
    from accord.core.text import MiniLMEmbedder

    chunked = MiniLMEmbedder(max_tokens=64, stride=16)
    head = chunked.first_window()
    cut = MiniLMEmbedder(max_tokens=64, chunk=False)
    assert head._session is chunked._session  # no second copy of the model
    assert (head.chunk, head.model_id) == (False, cut.model_id)
    assert chunked.chunk and chunked.model_id.endswith("/max64/v1/chunk16")  # left as it was
    np.testing.assert_allclose(head.embed([LONG_ABSTRACT]), cut.embed([LONG_ABSTRACT]), atol=1e-6)
    assert cut.first_window() is cut


def test_english_stop_list_is_the_shipped_list_plus_research_words() -> None:
    from accord.core.text import (
        _SCIENCE_STOPWORDS,
        STOPWORDS_PATH,
        _english_stopwords,
        tokenize_english,
    )

    listed = [w for w in STOPWORDS_PATH.read_text().splitlines() if w and not w.startswith("#")]
    assert len(listed) == 318 and {"the", "between", "whereas", "yourselves"} <= set(listed)
    assert _english_stopwords() == frozenset(listed) | _SCIENCE_STOPWORDS
    assert tokenize_english("Whereas the qubits themselves decohere") == ["qubit", "decohere"]


def test_minilm_threads_give_the_same_vectors() -> None:
    from accord.core.text import MiniLMEmbedder

    texts = [f"Topic {i}: spin qubits, batteries and coral reefs, part {i}" for i in range(40)]
    one = MiniLMEmbedder(threads=1).embed(texts, batch_size=4)
    two = MiniLMEmbedder(threads=2).embed(texts, batch_size=4)
    np.testing.assert_allclose(one, two, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"max_tokens": 4}, "max_tokens"), ({"stride": 200}, "stride"), ({"threads": 0}, "threads")],
)
def test_minilm_rejects_bad_settings_naming_them(kwargs: dict[str, int], message: str) -> None:
    from accord.core.text import MiniLMEmbedder

    with pytest.raises(TextError, match=message):
        MiniLMEmbedder(**kwargs)


def test_korean_analysis_asks_kiwi_once_per_text_and_changes_no_result(monkeypatch) -> None:
    from accord.core import text as core_text

    texts = ["초전도 큐비트의 결맞음", "질화갈륨(GaN) 전력 반도체", "초전도 큐비트의 결맞음"]
    outside = (
        [core_text.tokenize_korean(t) for t in texts],
        core_text.translate_korean_many(texts),
        core_text.gloss_korean_many(texts),
    )
    real = core_text._kiwi()
    asked: list[str] = []

    class Counting:  # kiwipiepy's Kiwi, counting the texts it is given
        def tokenize(self, arg):  # type: ignore[no-untyped-def]
            asked.extend([arg] if isinstance(arg, str) else arg)
            return real.tokenize(arg)

    monkeypatch.setattr(core_text, "_kiwi", lambda: Counting())
    with core_text.korean_analysis(texts[:1]):
        inside = (
            [core_text.tokenize_korean(t) for t in texts],
            core_text.translate_korean_many(texts),
            core_text.gloss_korean_many(texts),
        )
    assert inside == outside
    assert sorted(asked) == sorted(set(texts))  # each distinct text once, all three uses
    asked.clear()
    core_text.tokenize_korean(texts[0])  # outside it, nothing is kept
    assert asked == [texts[0]]
