"""Mint a development token: python -m shared.auth --role coordinator --org <uuid>"""
from __future__ import annotations

import argparse
import uuid

from shared.auth.tokens import ROLES, mint_token
from shared.settings import load_settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--role", choices=ROLES, default="coordinator")
    parser.add_argument("--org", default=None, help="organisation id (default: a new uuid)")
    parser.add_argument("--site", action="append", default=[], help="site id; repeatable")
    parser.add_argument("--sub", default=None, help="subject (default: a new uuid)")
    parser.add_argument("--ttl", type=int, default=None, help="lifetime in seconds")
    args = parser.parse_args(argv)
    settings = load_settings("auth")
    print(mint_token(
        settings, subject=args.sub or str(uuid.uuid4()), role=args.role,
        organisation_id=args.org or str(uuid.uuid4()), site_ids=args.site, ttl_seconds=args.ttl,
    ))


if __name__ == "__main__":
    main()
