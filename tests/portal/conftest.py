"""Help-center fixtures: attachments stored in a temporary folder, small file builders."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def upload(name: str, content: bytes = b"hello, world\n", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)
