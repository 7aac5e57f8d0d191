"""Infrastructure for a benchmark run: a broker and fresh databases per repetition."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import time
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

    def clone(self, source: str, label: str) -> str:
        """A fresh database holding an exact copy of `source` (schema, rows, statistics):
        CREATE DATABASE ... TEMPLATE on PostgreSQL, the backup API on SQLite. Nothing may
        be connected to `source` meanwhile (dispose its engines first)."""
        source_url = sa.make_url(source)
        if self.is_sqlite:
            url = sa.make_url(self.fresh(label))
            with contextlib.closing(sqlite3.connect(source_url.database)) as src, \
                    contextlib.closing(sqlite3.connect(url.database)) as dst:
                src.backup(dst)
            return url.render_as_string(hide_password=False)
        url = self.base.set(database=f"{self.base.database}_{label}")
        for attempt in range(30):  # an autovacuum worker may briefly hold the template
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)',
                            f'CREATE DATABASE "{url.database}" TEMPLATE "{source_url.database}"')
                break
            except sa.exc.OperationalError as exc:
                if "is being accessed by other users" not in str(exc) or attempt == 29:
                    raise
                time.sleep(1)
        return url.render_as_string(hide_password=False)

    def server_version(self) -> str:
        if self.is_sqlite:
            return f"SQLite {sqlite3.sqlite_version}"
        engine = sa.create_engine(self.base.set(database="postgres"))
        try:
            with engine.connect() as conn:
                return "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar_one()
        finally:
            engine.dispose()

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
