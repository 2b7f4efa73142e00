"""Korean → English lexicon bridge: loading, translation, and the lexical cross-language path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.affinity import (
    AffinityConfig,
    AffinityError,
    Publication,
    Reviewer,
    Submission,
    compute_affinity,
    cross_lexical_similarity,
)
from accord.core.text import (
    LEXICON_PATH,
    Gloss,
    TextError,
    gloss_korean_many,
    light_stem,
    load_lexicon,
    parse_lexicon,
    tokenize_english,
    translate_korean,
    translate_korean_many,
    truncate_stems,
)


def test_shipped_lexicon_loads_and_maps_semiconductor() -> None:
    lexicon = load_lexicon()
    assert len(lexicon) >= 600
    assert lexicon.lookup("반도체") == (light_stem("semiconductor"),)
    assert lexicon.lookup("큐비트") == ("qubit",)
    assert lexicon.lookup("강화학습") == ("reinforcement", "learn")
    # the same term with or without the space is one key
    assert lexicon.lookup("오류 정정") == lexicon.lookup("오류정정")


def test_shipped_lexicon_lines_all_have_two_fields() -> None:
    for number, line in enumerate(LEXICON_PATH.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            assert line.count("\t") == 1, f"line {number}: {line!r}"


def test_shipped_lexicon_english_side_is_tokeniser_output() -> None:
    # values are single lowercase tokens, as tokenize_english makes them (no stopwords)
    for value in load_lexicon().entries.values():
        for stem in value:
            assert stem == stem.lower() and " " not in stem
            assert tokenize_english(stem) != [] or stem.isdigit()


def test_parse_lexicon_names_the_bad_line() -> None:
    with pytest.raises(TextError, match=r"lex\.tsv, line 3: expected 'Korean<TAB>English', got 3"):
        parse_lexicon(["# comment", "양자\tquantum", "위성\tsatellite\textra"], "lex.tsv")
    with pytest.raises(TextError, match="line 1: the Korean term is empty"):
        parse_lexicon([" \tquantum"])


def test_parse_lexicon_merges_homographs() -> None:
    lexicon = parse_lexicon(["유전체\tgenome", "유전체\tdielectric", "유전체\tgenome"])
    assert lexicon.lookup("유전체") == ("genome", "dielectric")


def test_translation_prefers_the_longest_term_and_keeps_unknown_nouns() -> None:
    lexicon = parse_lexicon(["강화\treinforce", "강화 학습\treinforcement learning", "로봇\trobot"])
    assert translate_korean("로봇의 강화학습과 강화", lexicon) == [
        "robot", "reinforcement", "learn", "reinforce",
    ]  # fmt: skip
    # "보행" is not in the lexicon: kept as it is, so it can still match Korean text
    assert translate_korean("보행 로봇", lexicon) == ["보행", "robot"]


def test_translation_splits_unknown_compounds_into_lexicon_words() -> None:
    lexicon = parse_lexicon(["이황화\tdisulfide", "몰리브덴\tmolybdenum"])
    assert translate_korean("이황화몰리브덴 트랜지스터", lexicon) == [
        "disulfide", "molybdenum", "트랜지스터",
    ]  # fmt: skip


def test_translation_drops_unmatched_prefixes_but_matches_prefixed_terms() -> None:
    lexicon = parse_lexicon(["초전도\tsuperconducting", "전도\tconduction"])
    assert translate_korean("초전도", lexicon) == ["superconduct"]
    assert translate_korean("전도", lexicon) == ["conduction"]
    assert translate_korean("저궤도", lexicon) == ["궤도"]  # 저- (prefix) dropped


def test_translate_many_equals_one_by_one() -> None:
    texts = ["반도체 결함 예측", "양자 오류 정정", "위성 궤도 결정"]
    assert translate_korean_many(texts) == [translate_korean(t) for t in texts]


def test_gloss_gives_the_lexicon_words_as_written_and_its_coverage() -> None:
    lexicon = parse_lexicon(
        ["강화 학습\tReinforcement learning", "로봇\trobot robotic", "기반\t", "보행\tlocomotion"]
    )
    # words as written (lowercased, not stemmed); 기반 carries no topic: neither word nor count
    assert gloss_korean_many(["강화학습 기반 로봇"], lexicon) == [
        Gloss("reinforcement learning robot robotic", 1.0)
    ]
    # Latin-script words are kept and count as rendered; an unknown Korean noun is dropped
    # and counts against the coverage: 2 of 3 content words (LSTM, 보행; not 사족)
    assert gloss_korean_many(["LSTM 사족 보행"], lexicon) == [Gloss("lstm locomotion", 2 / 3)]
    assert gloss_korean_many(["사족"], lexicon) == [Gloss("", 0.0)]


def test_gloss_of_compounds_and_the_shipped_lexicon() -> None:
    lexicon = parse_lexicon(["이황화\tdisulfide", "몰리브덴\tmolybdenum"])
    assert gloss_korean_many(["이황화몰리브덴"], lexicon) == [Gloss("disulfide molybdenum", 1.0)]
    (shipped,) = gloss_korean_many(["초전도 큐비트의 오류 정정"])
    assert shipped.coverage == 1.0
    assert {"superconducting", "qubit", "error", "correction"} <= set(shipped.text.split())


@given(
    st.lists(st.text(alphabet="abcdefghij가나다", min_size=1, max_size=12), max_size=8),
    st.integers(3, 9),
)
def test_truncate_stems_cuts_latin_tokens_only(tokens: list[str], length: int) -> None:
    out = truncate_stems(tokens, length)
    assert len(out) == len(tokens)
    for before, after in zip(tokens, out, strict=True):
        if before.isascii():
            assert after == before[:length]
        else:
            assert after == before
    assert truncate_stems(tokens, None) == tokens


def test_truncate_stems_rejects_tiny_length() -> None:
    with pytest.raises(TextError, match="stem length must be >= 3"):
        truncate_stems(["graph"], 2)


def test_config_rejects_tiny_stem_length() -> None:
    with pytest.raises(AffinityError, match="cross_stem_length must be >= 3"):
        AffinityConfig(cross_stem_length=2)


def test_cross_lexical_similarity_scores_only_cross_language_pairs() -> None:
    subs = ["Quantum error correction with surface codes", "양자 오류 정정을 위한 표면 코드"]
    pubs = ["표면 코드 기반 양자 오류 정정", "Surface code decoders for quantum error correction"]
    sim = cross_lexical_similarity(subs, ["en", "ko"], pubs, ["ko", "en"])
    assert sim.shape == (2, 2)
    assert sim[0, 1] == 0.0 and sim[1, 0] == 0.0  # same-language pairs are left at 0
    assert sim[0, 0] > 0.5 and sim[1, 1] > 0.5


def test_lexical_backend_matches_korean_profiles_to_english_translations() -> None:
    # Hand-written pairs (not from the benchmark), with same-field distractors.
    pairs = [
        ("그래핀 전극을 이용한 리튬 금속 배터리의 덴드라이트 억제",
         "Suppressing dendrites in lithium metal batteries with graphene electrodes"),
        ("저궤도 위성 군집의 충돌 회피", "Collision avoidance for low Earth orbit satellite constellations"),
        ("사족 보행 로봇의 강화학습 기반 보행 제어",
         "Reinforcement learning for locomotion control of quadruped robots"),
        ("초전도 큐비트의 오류 정정을 위한 표면 코드 복호",
         "Surface code decoding for error correction of superconducting qubits"),
    ]  # fmt: skip
    distractors = [
        "Sodium-ion battery cathodes with high capacity",
        "Ground station scheduling for Earth observation satellites",
        "Imitation learning for robot arm grasping",
        "Trapped-ion quantum gates with high fidelity",
    ]
    reviewers = [
        Reviewer(f"k{i}", (Publication(ko, language="ko"),)) for i, (ko, _) in enumerate(pairs)
    ]
    subs = [Submission(f"e{i}", en, language="en") for i, (_, en) in enumerate(pairs)]
    subs += [Submission(f"d{i}", t, language="en") for i, t in enumerate(distractors)]
    res = compute_affinity(reviewers, subs, config=AffinityConfig(backend="lexical"))
    assert np.argmax(res.scores, axis=0).tolist() == [0, 1, 2, 3]
    # and the other way round: each English submission's best reviewer is its translation
    assert np.argmax(res.scores[:4], axis=1).tolist() == [0, 1, 2, 3]


def test_glossing_nothing_loads_no_lexicon() -> None:
    # the web's plan asks for glosses of every input; an English-only one must not pay for the
    # lexicon and the Korean analyser
    before = load_lexicon.cache_info()
    assert gloss_korean_many([]) == []
    after = load_lexicon.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)
