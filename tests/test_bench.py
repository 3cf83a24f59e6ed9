"""`coach bench` measures what the README's speed table promises and says whether each target is met.

The figures themselves are not asserted (machines are noisy); the test checks that every measure is
produced, in its unit, with its target and a verdict, and that it runs in a temporary data folder.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from coach.cli import main

EXPECTED = {
    "offline turn p95": ("ms", "<= 50"),
    "scoring throughput": ("lines/s", ">= 300"),
    "retrieval p95": ("ms", "<= 30"),
    "indexing throughput": ("chunks/s", ""),
    "store write per turn p95": ("ms", ""),
    "store read per session p95": ("ms", ""),
    "peak memory, this process": ("MB", "<= 1024"),
}


def test_coach_bench_reports_every_measure_against_its_target(settings, monkeypatch):
    monkeypatch.setenv("COACH_DATA_DIR", str(settings.data_dir))
    out = CliRunner().invoke(main, ["bench", "--quick", "--no-app", "--json"])
    assert out.exit_code in (0, 1), out.output  # 1 only when a figure misses its target
    report = json.loads(out.stdout)
    assert "cores" in report["machine"]
    by_name = {r["name"]: r for r in report["results"]}
    for name, (unit, target) in EXPECTED.items():
        r = by_name[name]
        assert r["unit"] == unit and r["target"] == target and r["value"] > 0, r
        assert (r["met"] is None) == (target == ""), r
    assert out.exit_code == (1 if any(r["met"] is False for r in report["results"]) else 0)
    assert not settings.data_dir.exists() or not any(
        settings.data_dir.rglob("*.json")
    )  # the user's folder untouched
