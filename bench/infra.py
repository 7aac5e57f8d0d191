"""Infrastructure for a benchmark run: a broker and fresh databases per repetition."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
from pathlib import Path

import sqlalchemy as sa

from shared.broker import all_topics, start_broker, stop_broker
from shared.messaging.kafka import ensure_topics


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def broker(bootstrap: str | None, log_path: Path):
    """Yield a bootstrap address: the one given, or a fresh embedded broker stopped on exit."""
    if bootstrap:
        ensure_topics(bootstrap, all_topics())
        yield bootstrap
        return
    port = free_port()
    with open(log_path, "ab") as log:
        try:
            process = start_broker("127.0.0.1", port, log_file=log, bind_timeout=60)
        except BaseException:
            _kill_own_children(f":{port}")  # start_broker leaves its child running if topics fail
            raise
    try:
        yield f"127.0.0.1:{port}"
    finally:
        stop_broker(process)


def _kill_own_children(marker: str) -> None:
    """Kill, by pid, child processes of this process whose command line holds `marker`."""
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and marker in cmdline:
            os.kill(int(proc.name), signal.SIGKILL)
            os.waitpid(int(proc.name), 0)


class Databases:
    """Fresh, empty databases: SQLite files (default) or PostgreSQL databases named
    after the base URL's database, dropped again by drop()."""

    def __init__(self, base_url: str | None, tmp_dir: Path):
        self.base = sa.make_url(base_url) if base_url else sa.make_url(f"sqlite:///{tmp_dir / 'bench.db'}")

    @property
    def dialect(self) -> str:
        return f"{self.base.get_backend_name()}+{self.base.get_driver_name()}"

    @property
    def is_sqlite(self) -> bool:
        return self.base.get_backend_name() == "sqlite"

    def fresh(self, label: str) -> str:
        if self.is_sqlite:
            path = Path(self.base.database)
            url = self.base.set(database=str(path.with_name(f"{path.stem}_{label}{path.suffix or '.db'}")))
            self._remove_sqlite(url)
        else:
            url = self.base.set(database=f"{self.base.database}_{label}")
            self._admin(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)', f'CREATE DATABASE "{url.database}"')
        return url.render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        url = sa.make_url(url)
        if self.is_sqlite:
            self._remove_sqlite(url)
        else:
            self._admin(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')

    @staticmethod
    def _remove_sqlite(url: sa.URL) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{url.database}{suffix}").unlink(missing_ok=True)

    def _admin(self, *statements: str) -> None:
        admin = sa.create_engine(self.base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                for statement in statements:
                    conn.exec_driver_sql(statement)
        finally:
            admin.dispose()
