"""python -m shared.broker [--host H] [--port P]: run the embedded broker in the foreground."""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from shared.broker import all_topics, start_broker


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9092)
    parser.add_argument("--partitions", type=int, default=3)
    args = parser.parse_args()
    process = start_broker(args.host, args.port, log_file=sys.stderr, partitions=args.partitions)
    print(f"broker ready on {args.host}:{args.port}; topics: {', '.join(all_topics())}", flush=True)

    def shut_down(*_):
        # Only signal here: waiting inside a handler would deadlock with the wait below.
        process.send_signal(signal.SIGINT)  # tansu shuts down on SIGINT, not SIGTERM
        # A daemon timer: once tansu has exited the wrapper need not wait out the 5 s.
        timer = threading.Timer(5, process.kill)
        timer.daemon = True
        timer.start()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, shut_down)
    sys.exit(process.wait())


if __name__ == "__main__":
    main()
