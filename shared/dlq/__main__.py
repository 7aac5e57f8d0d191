"""`python -m shared.dlq list|redrive --topic checkins.events`: the operator's view of a
dead-letter topic (see docs/operations.md, "The dead-letter topics")."""
from __future__ import annotations

import argparse
import json
import sys

from shared.events import TOPICS
from shared.messaging.kafka import bootstrap_list, make_producer
from shared.messaging.redrive import REDRIVABLE, read_dead_letters, redrive
from shared.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.dlq", description=__doc__)
    parser.add_argument("command", choices=("list", "redrive"))
    parser.add_argument("--topic", required=True, choices=TOPICS, help="the original topic")
    parser.add_argument("--reason", action="append",
                        help=f"only records dead-lettered for this reason (repeatable; redrive default: {REDRIVABLE})")
    parser.add_argument("--event-id", action="append", help="only these event ids (ce_id; repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="redrive: say what would be sent, send nothing")
    args = parser.parse_args(argv)
    settings = load_settings("operator")
    letters = read_dead_letters(bootstrap_list(settings.kafka_bootstrap_servers), args.topic)
    reasons = set(args.reason or (REDRIVABLE if args.command == "redrive" else ()))
    chosen = [d for d in letters if (not reasons or d.reason in reasons)
              and (not args.event_id or d.header("ce_id") in args.event_id)]
    for letter in chosen:
        print(json.dumps(letter.summary()))
    if args.command == "redrive" and not args.dry_run and chosen:
        producer = make_producer(settings)
        try:
            sent = redrive(producer, chosen)
        finally:
            producer.close()
        print(f"redrove {sent} record(s) to {args.topic}", file=sys.stderr)
    else:
        print(f"{len(chosen)} of {len(letters)} dead-lettered record(s) on {args.topic}.dlq", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
