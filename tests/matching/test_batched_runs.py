"""Matching runs split into embedding chunks that several workers share, then one scoring task.

Tasks are counted from django-tasks' own TaskResult objects (the ``task_enqueued`` signal), and
the step-by-step tests use django-tasks' dummy backend, which keeps what is enqueued so the test
can run it like a worker would, in any order. Each test has its own embedding cache.
"""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import default_task_backend
from django_tasks.signals import task_enqueued

from accord.core import affinity as core_affinity
from accord.matching.models import AffinityScore, MatchRun, RunState
from accord.matching.selectors.encode import embedding_cache
from accord.matching.services.runs import (
    compute_matching,
    embedder,
    start_match_run,
    texts_to_embed,
)
from accord.matching.tasks import embed_chunk, finish_matching, run_matching
from tests.factories.applications import CallFactory, make_joint_application, make_researcher
from tests.factories.directory import PublicationFactory

pytestmark = pytest.mark.django_db

TOPICS = [
    "silicon spin qubits",
    "superconducting resonators",
    "coral reef ecology",
    "battery cathode materials",
    "protein folding kinetics",
    "satellite radar imaging",
    "graph neural networks",
]


@pytest.fixture(autouse=True)
def own_cache(settings, tmp_path):
    """A fresh embedding cache per test, so chunk counts do not depend on earlier tests."""
    settings.DATA_DIR = tmp_path / "first"
    return settings


@pytest.fixture
def enqueued():
    """Every TaskResult enqueued during the test, as (task name, kwargs)."""
    seen: list[tuple[str, dict]] = []

    def record(sender, task_result, **kwargs):
        seen.append((task_result.task.name, dict(task_result.kwargs)))

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


@pytest.fixture
def dummy_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


@pytest.fixture
def seventy_publications():
    """Two submitted applications and 69 English publications by 7 reviewers: 71 texts."""
    call = CallFactory()
    applications = [
        make_joint_application(
            call=call,
            state="submitted",
            title_en=title,
            summary_en=f"We study {title} with new instruments.",
        )
        for title in ("Silicon quantum dot spin qubits", "Machine learning on molecular graphs")
    ]
    for r, topic in enumerate(TOPICS):
        person = make_researcher("GB" if r % 2 else "KR")
        for k in range(10 if r < 6 else 9):
            PublicationFactory(
                person=person,
                title=f"Advances in {topic}, part {k + 1}",
                abstract=f"We report results on {topic} (study {r}-{k}).",
                year=2015 + k,
                language="en",
            )
    return call, applications


def scores_of(call):
    return {
        (s.application_id, s.reviewer_id): s.score for s in AffinityScore.objects.filter(call=call)
    }


def names(enqueued):
    return [name for name, _kwargs in enqueued]


# ------------------------------------------------------------------ which texts, which model


class RecordingEmbedder:
    """A stand-in model for the core: remembers the texts it is asked for (the core's seam)."""

    def __init__(self, model_id):
        self.model_id = model_id
        self.dim = 384  # the size of the shipped language means the core centres with
        self.texts = []

    def embed(self, texts):
        self.texts += list(texts)
        rng = [np.random.default_rng(len(t)).normal(size=self.dim) for t in texts]
        out = np.array(rng, dtype=np.float32).reshape(len(texts), self.dim)
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def first_window(self):
        if self.model_id.endswith("/head"):
            return self
        if not hasattr(self, "head"):
            self.head = RecordingEmbedder(self.model_id + "/head")
        return self.head


@pytest.mark.parametrize(
    ("sub_langs", "pub_langs", "models"),
    [
        (["en", "en"], ["en", "en"], {"english", "english-head"}),
        (["en", "en"], ["en", "ko"], {"english", "english-head", "multilingual"}),
        (["ko"], ["ko", "ko"], {"english", "english-head", "multilingual"}),
        (["en", "ko"], ["en"], {"english", "english-head", "multilingual"}),
    ],
    ids=["english-only", "korean-publication", "korean-only", "korean-submission"],
)
def test_planned_texts_are_exactly_what_the_core_embeds(sub_langs, pub_langs, models):
    submissions = [
        core_affinity.Submission(id=f"s{i}", title=f"Submission {i}", language=lang)
        for i, lang in enumerate(sub_langs)
    ]
    reviewers = [
        core_affinity.Reviewer(
            id=f"r{j}",
            publications=(core_affinity.Publication(title=f"Paper {j}", language=lang),),
        )
        for j, lang in enumerate(pub_langs)
    ]
    english, multilingual = RecordingEmbedder("en-test"), RecordingEmbedder("ml-test")
    core_affinity.compute_affinity(
        reviewers,
        submissions,
        cache=None,
        embedders=core_affinity.Embedders(english=english, multilingual=multilingual),
    )
    planned = texts_to_embed(reviewers, submissions)
    assert set(planned) == models
    head = english.first_window()
    assert sorted(planned.get("english", [])) == sorted(set(english.texts))
    assert sorted(planned.get("english-head", [])) == sorted(set(head.texts))
    assert sorted(planned.get("multilingual", [])) == sorted(set(multilingual.texts))
    # Publications read in full: one English model for both sides.
    config = core_affinity.AffinityConfig(publications_in_full=True)
    in_full = texts_to_embed(reviewers, submissions, config)
    assert set(in_full) == models - {"english-head"}
    assert sorted(in_full.get("english", [])) == sorted(
        set(planned.get("english", []) + planned.get("english-head", []))
    )


def test_lexical_runs_embed_nothing():
    submissions = [core_affinity.Submission(id="s", title="Quantum dots", language="en")]
    reviewers = [core_affinity.Reviewer(id="r", publications=(core_affinity.Publication("Dots"),))]
    config = core_affinity.AffinityConfig(backend="lexical")
    assert texts_to_embed(reviewers, submissions, config) == {}


# ------------------------------------------------------------------ immediate backend (embedded)


def test_batched_run_ends_done_with_the_scores_of_one_compute(
    seventy_publications, own_cache, tmp_path, enqueued, django_capture_on_commit_callbacks
):
    call, _applications = seventy_publications
    alone = compute_matching(run=MatchRun.objects.create(call=call))
    assert alone.state == RunState.DONE
    expected = scores_of(call)
    assert len(expected) == 14

    own_cache.DATA_DIR = tmp_path / "second"  # the batched run starts from an empty cache
    with django_capture_on_commit_callbacks(execute=True):
        run = start_match_run(call=call, actor=None)
    run.refresh_from_db()

    assert (run.state, run.stage, run.percent) == (RunState.DONE, "done", 100)
    assert names(enqueued) == [
        run_matching.name,
        embed_chunk.name,
        embed_chunk.name,
        embed_chunk.name,
        finish_matching.name,
    ]
    chunks = [kwargs for name, kwargs in enqueued if name == embed_chunk.name]
    # The submissions in full, the publications up to their first window (the core's choice).
    assert [(c["model"], len(c["texts"])) for c in chunks] == [
        ("english", 2),
        ("english-head", 64),
        ("english-head", 5),
    ]
    assert len(embedding_cache()) == 71
    got = scores_of(call)
    assert got.keys() == expected.keys()
    for pair, score in expected.items():
        assert got[pair] == pytest.approx(score, abs=1e-5)


def test_a_second_run_finds_everything_cached_and_goes_straight_to_scoring(
    seventy_publications, enqueued, django_capture_on_commit_callbacks
):
    call, _applications = seventy_publications
    with django_capture_on_commit_callbacks(execute=True):
        start_match_run(call=call, actor=None)
    enqueued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = start_match_run(call=call, actor=None)
    run.refresh_from_db()
    assert names(enqueued) == [run_matching.name, finish_matching.name]
    assert run.state == RunState.DONE


def test_a_call_with_nothing_to_match_goes_straight_to_scoring(
    enqueued, django_capture_on_commit_callbacks
):
    call = CallFactory()
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = start_match_run(call=call, actor=None)
    run.refresh_from_db()
    assert names(enqueued) == [run_matching.name, finish_matching.name]
    assert (run.state, run.done, run.total) == (RunState.DONE, 0, 0)
    stages = [q["sql"] for q in queries if "matching_matchrun" in q["sql"] and "stage" in q["sql"]]
    assert any("'embedding'" in sql for sql in stages)
    assert any("'scoring'" in sql for sql in stages)


# ------------------------------------------------------------------ step by step, like workers


def run_task(result):
    """Run one enqueued task as a worker would."""
    return result.task.call(*result.args, **result.kwargs)


def test_chunks_count_progress_and_only_the_last_enqueues_scoring(
    seventy_publications, dummy_backend
):
    call, _applications = seventy_publications
    run = MatchRun.objects.create(call=call)
    run_matching.enqueue(run_id=run.pk)
    (plan,) = dummy_backend.results
    run_task(plan)
    run.refresh_from_db()
    assert (run.state, run.stage, run.done, run.total) == (RunState.RUNNING, "embedding", 0, 3)
    chunks = dummy_backend.results[1:]
    assert [r.task.name for r in chunks] == [embed_chunk.name] * 3

    # Workers may finish chunks in any order; only the one that completes the count enqueues.
    assert run_task(chunks[2]) == 5
    run.refresh_from_db()
    assert (run.stage, run.done, run.total, run.percent) == ("embedding", 1, 3, 33)
    assert run_task(chunks[0]) == 2
    run.refresh_from_db()
    assert (run.stage, run.done, run.total, run.percent) == ("embedding", 2, 3, 66)
    assert [r.task.name for r in dummy_backend.results[4:]] == []
    assert run_task(chunks[1]) == 64
    finals = dummy_backend.results[4:]
    assert [r.task.name for r in finals] == [finish_matching.name]
    run.refresh_from_db()
    assert (run.stage, run.done, run.total, run.percent) == ("embedding", 3, 3, 100)

    with CaptureQueriesContext(connection) as queries:
        run_task(finals[0])
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert len(scores_of(call)) == 14
    assert any(
        "'scoring'" in q["sql"]
        for q in queries
        if q["sql"].startswith('UPDATE "matching_matchrun"')
    )
    # A duplicate final task (a retry) does not compute again: the run is claimed once.
    AffinityScore.objects.filter(call=call).delete()
    run_task(finals[0])
    assert scores_of(call) == {}


def test_a_failing_chunk_still_counts_and_scoring_embeds_what_is_missing(
    seventy_publications, dummy_backend
):
    call, _applications = seventy_publications
    run = MatchRun.objects.create(call=call)
    run_matching.enqueue(run_id=run.pk)
    run_task(dummy_backend.results[0])
    first, *others = dummy_backend.results[1:4]
    broken = first.kwargs | {"texts": [None]}  # not text: the model refuses it
    embed_chunk.call(**broken)
    for chunk in others:
        run_task(chunk)
    (final,) = dummy_backend.results[4:]
    run_task(final)
    run.refresh_from_db()
    assert run.state == RunState.DONE
    assert len(scores_of(call)) == 14
    assert len(embedding_cache()) == 71


def test_a_run_with_unreadable_conflict_settings_fails_before_embedding(
    seventy_publications, dummy_backend
):
    call, _applications = seventy_publications
    call.conflict_rules = {"same_org_scope": {"KR": "faculty"}}
    call.save(update_fields=["conflict_rules"])
    run = MatchRun.objects.create(call=call)
    run_matching.enqueue(run_id=run.pk)
    run_task(dummy_backend.results[0])
    run.refresh_from_db()
    assert run.state == RunState.FAILED
    assert "faculty" in run.message
    assert len(dummy_backend.results) == 1


def test_process_models_are_loaded_once():
    assert embedder("english") is embedder("english")
    head = embedder("english-head")
    assert head is embedder("english-head") and head._session is embedder("english")._session
    with pytest.raises(ValueError, match="unknown embedding model 'french'"):
        embedder("french")


# ------------------------------------------------------------------ database backend (workers)


@pytest.mark.django_db(transaction=True)
def test_database_backend_workers_share_the_chunks(seventy_publications, settings):
    """With django-tasks' database backend the tasks are rows; a worker runs them in turn."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call, _applications = seventy_publications
    run = start_match_run(call=call, actor=None)  # on_commit: enqueued at once (autocommit)
    assert list(DBTaskResult.objects.values_list("task_path", flat=True)) == [
        run_matching.module_path
    ]
    call_command("db_worker", batch=True, no_startup_delay=True, interval=0, verbosity=0)
    run.refresh_from_db()
    assert (run.state, run.total) == (RunState.DONE, 14)
    paths = list(DBTaskResult.objects.order_by("enqueued_at").values_list("task_path", "status"))
    assert paths == [
        (run_matching.module_path, "SUCCESSFUL"),
        (embed_chunk.module_path, "SUCCESSFUL"),
        (embed_chunk.module_path, "SUCCESSFUL"),
        (embed_chunk.module_path, "SUCCESSFUL"),
        (finish_matching.module_path, "SUCCESSFUL"),
    ]
