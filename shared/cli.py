"""`python -m services.<name> migrate|worker`: the entry points every service shares."""
from __future__ import annotations

import argparse

from shared.db.migrations import upgrade
from shared.runtime import Runtime, ServiceSpec
from shared.settings import load_settings
from shared.worker import run_worker


def main(spec: ServiceSpec, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m services.{spec.name}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the service's database to the latest migration")
    commands.add_parser("worker", help="run the outbox relay and the service's consumers")
    args = parser.parse_args(argv)
    settings = load_settings(spec.name)
    if args.command == "migrate":
        upgrade(spec.migrations_dir, settings.database_url)
    elif args.command == "worker":
        run_worker(Runtime(spec, settings=settings))
