"""Evaluations: each module measures one part of the coach (``python -m evals.<name>``)."""
