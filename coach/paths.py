"""Where the package's own files are: the model assets, the vocabulary and prompts, the corpus.

Everything here ships inside the package (a wheel or ``pipx install`` carries it), so nothing is read from
the current directory. In a source checkout ``coach/corpus`` is a link to the top-level ``corpus/`` folder,
where authors edit the playbook notes and persona cards; a built wheel holds a copy.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ASSETS = PACKAGE / "assets"  # the encoder and the behaviour classifier
DATA = PACKAGE / "data"  # the domain's vocabulary, word lists, advice and prompt templates
PROMPTS = DATA / "prompts"
CORPUS = (PACKAGE / "corpus").resolve()  # the real folder, so it compares equal to resolved paths
PLAYBOOK = CORPUS / "playbook"
PERSONAS = CORPUS / "personas"
