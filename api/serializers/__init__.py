"""Zendesk's JSON shapes: ``output`` turns our objects into them, ``inputs`` validates
what clients send (DRF serializers, so errors become 422 RecordInvalid details)."""
