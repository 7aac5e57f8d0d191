"""`python -m deploy.local.setup migrate|demo`: the short-lived steps of `make dev`, run by
deploy/local/run.py in children of their own so the long-lived runner stays small.

migrate: every service's migrations, then the demo organisation and its first admin.
demo:    the demo data through the public APIs (the services must be ready), then the
         summary with the URLs and the demo logins.
"""
from __future__ import annotations

import argparse

from deploy.local import demo
from deploy.local.run import ROOT, service_urls


def migrate() -> None:
    from shared.db.migrations import upgrade
    from shared.settings import load_settings

    for name in service_urls():
        settings = load_settings(name)
        upgrade(ROOT / "services" / name / "migrations", settings.database_url)
        print(f"migrated {name}: {settings.database_url}", flush=True)
    demo.bootstrap_organisation()


def load_demo() -> None:
    urls = service_urls()
    summary = demo.load(urls)
    print(demo.describe(urls, summary), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.local.setup", description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("migrate", "demo"))
    args = parser.parse_args(argv)
    migrate() if args.step == "migrate" else load_demo()


if __name__ == "__main__":
    main()
