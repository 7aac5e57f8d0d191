"""`python -m tests.support.detector_loop`: one missed-session detector process for the
concurrency test. Runs the service's own detect_missed in small batches (so two processes
interleave) on the clock in $CLOCK_FILE, until nothing has been due three times running.
Prints "ready" once imported and connected, then waits for $GO_FILE (if set) to exist, so
the test decides when each process starts claiming; $DETECTOR_PAUSE seconds between
batches keep two processes interleaving even when one of them starts late."""
from __future__ import annotations

import os
import time

from services.checkins.spec import SPEC
from services.checkins.usecases.detector import detect_missed
from shared.runtime import Runtime
from shared.settings import load_settings


def main() -> None:
    runtime = Runtime(SPEC, settings=load_settings("checkins"))
    batch = int(os.environ.get("DETECTOR_BATCH", "10"))
    pause = float(os.environ.get("DETECTOR_PAUSE", "0"))
    with runtime.uow() as uow:  # connect before saying ready
        uow.session.connection()
    print("ready", flush=True)
    wait_for(os.environ.get("GO_FILE"))
    idle = 0
    while idle < 3:
        with runtime.uow() as uow:
            marked = detect_missed(uow, batch=batch)
        print(marked, flush=True)
        idle = idle + 1 if marked == 0 else 0
        time.sleep(0.1 if marked == 0 else pause)
    runtime.dispose()


def wait_for(path: str | None) -> None:
    while path and not os.path.exists(path):
        time.sleep(0.02)


if __name__ == "__main__":
    main()
