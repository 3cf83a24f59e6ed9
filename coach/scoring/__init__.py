"""Scoring the leader's listening: features, the behaviour classifier, the optional judge, the session scorecard."""
