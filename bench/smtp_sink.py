"""A local SMTP sink for the notification-delivery scenario (aiosmtpd, dev extra).

    python -m bench.smtp_sink PORT LOGFILE [DELAY_MS]

Accepts every message and appends one line per message to LOGFILE: the time it arrived
(Unix seconds) and its Message-ID, so the benchmark can match each email to the commit
that queued it. Nothing is stored or relayed. With DELAY_MS, each message is answered
that long after its data arrived, as a real provider's relay answers after tens of
milliseconds; connections wait side by side (one event loop), not one behind another.
"""

from __future__ import annotations

import asyncio
import re
import signal
import sys
import time

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.I | re.M)


class ArrivalLog:
    def __init__(self, path: str, delay_ms: float = 0):
        self.out = open(path, "a", buffering=1)  # noqa: SIM115 - open for the process's life
        self.delay = delay_ms / 1000

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        arrived = time.time()
        headers = envelope.original_content.split(b"\r\n\r\n", 1)[0]
        found = _MESSAGE_ID.search(headers)
        message_id = found.group(1).decode(errors="replace") if found else "-"
        if self.delay:
            await asyncio.sleep(self.delay)
        self.out.write(f"{arrived:.6f} {message_id}\n")
        return "250 Message accepted"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    delay_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 0
    controller = Controller(ArrivalLog(path, delay_ms), hostname="127.0.0.1", port=port)
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
