"""Regenerate ``oas-satisfaction.json``: the satisfaction ratings' response schemas and
example, from Zendesk's OpenAPI description (as extract_incremental.py does).

    python tests/api/zendesk/extract_satisfaction.py ../shared/zendesk-oas/support-oas.yaml
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.api.zendesk import extract

SCHEMAS = ["SatisfactionRatingsResponse", "SatisfactionRatingsCountResponse"]

if __name__ == "__main__":
    extract.SCHEMAS = SCHEMAS
    extract.EXAMPLES = []
    extract.DESCRIPTION_EXAMPLES = {}
    extract.OUT = Path(__file__).with_name("oas-satisfaction.json")
    extract.main(sys.argv[1])
