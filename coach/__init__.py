"""Counterpart: a rehearsal coach for technology leaders.

The package is the product; ``app.py`` and the CLI only call it. Its parts: ``counterpart`` (the person
the app plays), ``scoring`` (labels and measures), ``debrief``, ``drafts``, ``playbook`` (the guidance) and
``store`` (kept sessions), over shared modules for the domain's words (``vocab``, ``cues``, ``text``) and
one seam per external system (``llm``, ``embeddings``). See ARCHITECTURE.md.
"""

__version__ = "0.1.0"
