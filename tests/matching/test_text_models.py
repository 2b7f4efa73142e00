"""The text models are loaded once per process and can be warmed up in the background."""

from accord.core.text import E5Embedder, MiniLMEmbedder
from accord.matching.text_models import embedder, warm_up, warm_up_in_background


def test_each_model_is_loaded_once_per_process():
    assert isinstance(embedder("english"), MiniLMEmbedder)
    assert isinstance(embedder("multilingual"), E5Embedder)
    assert embedder("english") is embedder("english")
    assert embedder("multilingual") is embedder("multilingual")


def test_unknown_model_names_the_choices():
    import pytest

    with pytest.raises(ValueError, match="use 'english', 'english-head' or 'multilingual'"):
        embedder("french")


def test_warm_up_runs_once_in_a_daemon_thread_and_leaves_the_models_loaded():
    first = warm_up_in_background()
    assert warm_up_in_background() is first
    assert first.daemon and first.name == "accord-warm-models"
    first.join(timeout=600)
    assert not first.is_alive()
    loaded = embedder.cache_info()
    warm_up()  # everything is loaded already: no model is created again
    assert embedder.cache_info().misses == loaded.misses
    assert embedder.cache_info().currsize == 3  # english, its first-window view, multilingual
