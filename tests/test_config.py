"""Settings from environment variables: what a user sets, what the app then does, and the errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.config import LOCAL_PLACEHOLDER_KEY, Settings, ensure_data_dir, load_settings
from coach.errors import ConfigError

SECRET = "sk-test-DO-NOT-SHOW-1234"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"backend": "offline", "model": "gpt-4o-mini", "api_key": None, "embeddings": "local"}),
        ({"OPENAI_API_KEY": SECRET}, {"backend": "openai", "api_key": SECRET, "base_url": None}),
        (
            {"OPENAI_BASE_URL": "http://localhost:11434/v1"},
            {"backend": "openai", "api_key": LOCAL_PLACEHOLDER_KEY, "base_url": "http://localhost:11434/v1"},
        ),
        ({"OPENAI_API_KEY": SECRET, "COACH_BACKEND": "offline"}, {"backend": "offline"}),
        ({"OPENAI_API_KEY": SECRET, "COACH_BACKEND": " OpenAI "}, {"backend": "openai"}),
        ({"OPENAI_API_KEY": "   ", "COACH_MODEL": ""}, {"backend": "offline", "model": "gpt-4o-mini"}),
        ({"OPENAI_API_KEY": SECRET, "COACH_MODEL": "llama3.2"}, {"model": "llama3.2"}),
        ({"COACH_TIMEOUT": "2.5", "COACH_MAX_RETRIES": "0"}, {"timeout": 2.5, "max_retries": 0}),
        ({"COACH_TIMEOUT": "600", "COACH_MAX_RETRIES": "10"}, {"timeout": 600.0, "max_retries": 10}),
        (
            {"COACH_EMBEDDINGS": "openai", "OPENAI_API_KEY": SECRET, "COACH_EMBEDDING_MODEL": "m-emb"},
            {"embeddings": "openai", "embedding_model": "m-emb"},
        ),
        # Offline chat with embeddings from a local server: the client still gets a (placeholder) key.
        (
            {
                "COACH_BACKEND": "offline",
                "COACH_EMBEDDINGS": "openai",
                "OPENAI_BASE_URL": "http://127.0.0.1:8008/v1",
            },
            {"backend": "offline", "embeddings": "openai", "api_key": LOCAL_PLACEHOLDER_KEY},
        ),
        ({"XDG_DATA_HOME": "/srv/xdg"}, {"data_dir": Path("/srv/xdg/counterpart")}),
        ({"XDG_DATA_HOME": "relative/dir"}, {"data_dir": Path.home() / ".local/share/counterpart"}),
        ({"COACH_DATA_DIR": "~/coach-here"}, {"data_dir": Path.home() / "coach-here"}),
    ],
)
def test_environment_gives_settings(env, expected):
    settings = load_settings(env)
    for name, value in expected.items():
        assert getattr(settings, name) == value, name


def test_streamlit_secrets_fill_what_the_environment_leaves_unset():
    settings = load_settings(
        {"COACH_MODEL": "from-env"}, secrets={"OPENAI_API_KEY": SECRET, "COACH_MODEL": "x"}
    )
    assert (settings.backend, settings.api_key, settings.model) == ("openai", SECRET, "from-env")


@pytest.mark.parametrize(
    ("env", "variable", "bad_value"),
    [
        ({"COACH_BACKEND": "Claude"}, "COACH_BACKEND", "Claude"),
        ({"COACH_BACKEND": "openai"}, "OPENAI_API_KEY", None),
        ({"OPENAI_BASE_URL": "localhost:11434/v1"}, "OPENAI_BASE_URL", "localhost:11434/v1"),
        ({"OPENAI_BASE_URL": "http://"}, "OPENAI_BASE_URL", "http://"),
        ({"OPENAI_BASE_URL": "ftp://example.org/v1"}, "OPENAI_BASE_URL", "ftp://example.org/v1"),
        ({"COACH_TIMEOUT": "soon"}, "COACH_TIMEOUT", "soon"),
        ({"COACH_TIMEOUT": "0"}, "COACH_TIMEOUT", "0"),
        ({"COACH_TIMEOUT": "nan"}, "COACH_TIMEOUT", "nan"),
        ({"COACH_TIMEOUT": "601"}, "COACH_TIMEOUT", "601"),
        ({"COACH_MAX_RETRIES": "2.5"}, "COACH_MAX_RETRIES", "2.5"),
        ({"COACH_MAX_RETRIES": "-1"}, "COACH_MAX_RETRIES", "-1"),
        ({"COACH_MAX_RETRIES": "11"}, "COACH_MAX_RETRIES", "11"),
        ({"COACH_EMBEDDINGS": "Word2Vec"}, "COACH_EMBEDDINGS", "Word2Vec"),
        ({"COACH_EMBEDDINGS": "openai"}, "OPENAI_API_KEY", None),
    ],
)
def test_bad_setting_names_the_variable_and_value(env, variable, bad_value):
    with pytest.raises(ConfigError) as info:
        load_settings(env)
    assert variable in str(info.value)
    if bad_value is not None:
        assert repr(bad_value) in str(info.value)


def test_data_dir_that_is_a_file_is_refused(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    with pytest.raises(ConfigError, match="COACH_DATA_DIR"):
        load_settings({"COACH_DATA_DIR": str(a_file)})


def test_ensure_data_dir_creates_nested_folders(tmp_path):
    settings = load_settings({"COACH_DATA_DIR": str(tmp_path / "a" / "b")})
    assert ensure_data_dir(settings) == tmp_path / "a" / "b"
    assert (tmp_path / "a" / "b").is_dir()


def test_ensure_data_dir_that_cannot_be_made_names_the_fix(tmp_path):
    (tmp_path / "blocker").write_text("a file where a folder should go")
    settings = Settings(data_dir=tmp_path / "blocker" / "inside")
    with pytest.raises(ConfigError, match="COACH_DATA_DIR") as info:
        ensure_data_dir(settings)
    assert str(tmp_path / "blocker" / "inside") in str(info.value)


@pytest.mark.parametrize(
    ("env", "description"),
    [
        ({}, "offline (authored persona lines, no language model)"),
        ({"OPENAI_API_KEY": SECRET}, "gpt-4o-mini via OpenAI"),
        (
            {"OPENAI_BASE_URL": "http://127.0.0.1:8008/v1", "COACH_MODEL": "smollm2"},
            "smollm2 via http://127.0.0.1:8008/v1",
        ),
        (
            {"OPENAI_BASE_URL": f"https://user:{SECRET}@proxy.example/v1", "OPENAI_API_KEY": SECRET},
            "gpt-4o-mini via https://proxy.example/v1",
        ),
    ],
)
def test_describe_says_where_the_model_runs_and_never_shows_the_key(env, description):
    settings = load_settings(env)
    assert settings.describe() == description
    assert SECRET not in settings.describe()
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
