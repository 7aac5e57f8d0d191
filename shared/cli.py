"""`python -m services.<name> migrate|worker|...`: the entry points every service shares,
plus any command a service adds of its own."""
from __future__ import annotations

import argparse
from typing import Callable

from shared.db.migrations import upgrade
from shared.runtime import Runtime, ServiceSpec
from shared.settings import load_settings
from shared.worker import run_worker

# name -> (help, function of the runtime)
Commands = dict[str, tuple[str, Callable[[Runtime], None]]]


def main(spec: ServiceSpec, argv: list[str] | None = None, commands: Commands | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m services.{spec.name}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="upgrade the service's database to the latest migration")
    sub.add_parser("worker", help="run the outbox relay and the service's consumers")
    for name, (help_text, _) in (commands or {}).items():
        sub.add_parser(name, help=help_text)
    args = parser.parse_args(argv)
    settings = load_settings(spec.name)
    if args.command == "migrate":
        upgrade(spec.migrations_dir, settings.database_url)
    elif args.command == "worker":
        run_worker(Runtime(spec, settings=settings))
    else:
        commands[args.command][1](Runtime(spec, settings=settings))
