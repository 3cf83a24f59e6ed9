"""A real PostgreSQL server for the tests, started on 127.0.0.1 from Debian's ``postgresql`` package.

Each test run gets its own cluster in a temporary folder (initdb, then pg_ctl on a free port), and each
test its own database in it. As root (CI), the server runs as the ``postgres`` user, as PostgreSQL
requires. Where the package is missing the tests that need it are skipped, unless
``COACH_REQUIRE_POSTGRES=1`` (set by .ci/run), which turns that into a failure.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PgServer:
    bindir: Path
    base: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.base / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://coach@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, text=True, timeout=120)

    def start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.base / "server.log"),
            "-o",
            f"-p {self.port} -h 127.0.0.1 -k {self.base} -c max_connections=200",
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self) -> str:
        """A new empty database; returns its URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=coach dbname=postgres", autocommit=True
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_server() -> PgServer | None:
    """A running cluster, or None when PostgreSQL is not installed."""
    bindir = _bindir()
    if bindir is None:
        return None
    base = Path(tempfile.mkdtemp(prefix="coach-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(base, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PgServer(bindir, base, _free_port(), as_user)
    server._run(
        str(bindir / "initdb"),
        "-D",
        str(server.data),
        "-U",
        "coach",
        "-A",
        "trust",
        "--no-sync",
        "-E",
        "UTF8",
    )
    server.start()
    return server


def remove(server: PgServer) -> None:
    try:
        server.stop("immediate")
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(server.base, ignore_errors=True)
