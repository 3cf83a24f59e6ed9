#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment, and use it from outside the source tree:
# the package must carry its own corpus, persona cards, vocabulary, prompts and models.
#   scripts/check_wheel.sh            (CI runs it after the tests)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/build-venv"
"$work/build-venv/bin/pip" wheel --quiet --no-deps "$repo" -w "$work/dist"
wheel="$(ls "$work"/dist/counterpart_coach-*.whl)"
echo "built $(basename "$wheel") ($(du -h "$wheel" | cut -f1))"
for must in coach/corpus/personas/maria-cfo.yaml coach/corpus/playbook/01-business-context.md \
            coach/data/vocab.yaml coach/data/cues.yaml coach/data/prompts/counterpart_system.txt \
            coach/assets/minilm/lower.onnx coach/assets/behaviours/model.npz coach/assets/behaviours/grams/model.npz coach/assets/topics/grams/model.npz \
            coach/store/migrations/env.py coach/store/migrations/versions/0001_sessions.py; do
  python3 -c "import sys, zipfile; sys.exit(0 if '$must' in zipfile.ZipFile('$wheel').namelist() else 1)" \
    || { echo "FAIL: the wheel lacks $must"; exit 1; }
done

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$wheel"

cd "$work"  # nowhere near the source tree
export COACH_DATA_DIR="$work/data" COACH_BACKEND=offline
printf 'What keeps you up at night?\nHow do you see the competition these days?\n' > lines.txt
"$work/venv/bin/coach" ask --json "how do I find out what my CFO is measured on?" > ask.json
python3 -c "import json; doc = json.load(open('ask.json')); assert doc['passages'][0]['section_id'], doc" \
  || { echo "FAIL: coach ask from the wheel"; cat ask.json; exit 1; }
"$work/venv/bin/coach" rehearse --persona maria-cfo --script lines.txt --json > rehearse.json
python3 -c "
import json; rows = [json.loads(line) for line in open('rehearse.json') if line.strip()]
said = [r for r in rows if r['leader']]
assert len(said) == 2 and all(r['label'] and r['reply'] for r in said), rows
" || { echo "FAIL: coach rehearse --script from the wheel"; cat rehearse.json; exit 1; }
"$work/venv/bin/coach" sessions list --json > sessions.json  # the store, migrated from the wheel's files
python3 -c "
import json; rows = [json.loads(line) for line in open('sessions.json') if line.strip()]
assert [r['leader_turns'] for r in rows] == [2], rows
" || { echo "FAIL: coach sessions list from the wheel"; cat sessions.json; exit 1; }
"$work/venv/bin/coach" personas > personas.txt
grep -q maria-cfo personas.txt || { echo "FAIL: coach personas from the wheel"; exit 1; }
echo "wheel check passed: coach ask, coach rehearse --script, coach sessions list and coach personas ran from a fresh install"
