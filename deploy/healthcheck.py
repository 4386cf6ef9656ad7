"""docker-compose's healthcheck: exit 0 when the local web process answers ``path`` with 200.

From inside the container (127.0.0.1, the operators' network by default), so it needs
no token. Standard library only: the image has no curl.
"""

import os
import sys
import urllib.error
import urllib.request

path = sys.argv[1] if len(sys.argv) > 1 else "/readyz"
port = os.environ.get("HEALTHCHECK_PORT", "8000")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:  # noqa: S310 - fixed http URL
        sys.exit(0 if response.status == 200 else 1)
except urllib.error.HTTPError as exc:  # 503: the body says what failed
    sys.stdout.write(exc.read().decode("utf-8", "replace"))
    sys.exit(1)
except OSError as exc:
    sys.stdout.write(f"{exc}\n")
    sys.exit(1)
