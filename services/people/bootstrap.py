"""Create an organisation and its first admin:

    python -m services.people.bootstrap --name "Northside Recovery" --admin-email a@example.org

The password is read from CIRCLES_ADMIN_PASSWORD or asked for, never taken as an argument.
"""
from __future__ import annotations

import argparse
import getpass
import os

from services.people.spec import SPEC
from services.people.usecases.organisations import create_organisation
from shared.runtime import Runtime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--name", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--admin-name", default="Administrator")
    args = parser.parse_args(argv)
    password = os.environ.get("CIRCLES_ADMIN_PASSWORD") or getpass.getpass("Admin password: ")
    runtime = Runtime(SPEC)
    with runtime.uow() as uow:
        admin = create_organisation(uow, args.name, args.admin_email, args.admin_name, password)
    print(f"organisation {admin.organisation_id}; admin {admin.email} ({admin.id})")


if __name__ == "__main__":
    main()
