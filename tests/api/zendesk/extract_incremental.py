"""Regenerate ``oas-incremental.json``: the response schemas of Zendesk's incremental
exports, from its OpenAPI description (as extract.py does for the other endpoints; kept
apart so the two lists change independently).

    python tests/api/zendesk/extract_incremental.py ../shared/zendesk-oas/support-oas.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.api.zendesk import extract

SCHEMAS = [
    "CursorBasedExportIncrementalTicketsResponse",
    "TimeBasedExportIncrementalTicketsResponse",
    "CursorBasedExportIncrementalUsersResponse",
    "ExportIncrementalOrganizationsResponse",
    "ExportIncrementalTicketEventsResponse",
]

if __name__ == "__main__":
    extract.SCHEMAS = SCHEMAS
    extract.EXAMPLES = []
    extract.DESCRIPTION_EXAMPLES = {}
    extract.OUT = Path(__file__).with_name("oas-incremental.json")
    extract.main(sys.argv[1])
