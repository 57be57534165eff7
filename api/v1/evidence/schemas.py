"""Evidence metadata as the API shows it, and the multipart request body it documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from services import content_types
from services.evidence import MAX_TITLE


class EvidenceOut(BaseModel):
    id: str = Field(description="The evidence id (a UUID)")
    kind: Literal["indicator", "working_group_order"]
    unit_code: str
    year_be: int
    round_id: int | None = Field(description="The round of the report (indicator evidence)")
    indicator_no: int | None
    filename: str = Field(description="The uploader's filename, kept as metadata only")
    title: str | None
    content_type: Literal[
        "application/pdf",
        "image/png",
        "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.text",
    ] = Field(description="The type judged from the bytes (served as such)")
    size: int = Field(description="Bytes")
    sha256: str = Field(description="Hex SHA-256 of the bytes; the download's ETag")
    created_by: str
    created_at: datetime
    content_url: str = Field(description="Where to download the bytes")


ALLOWED_TYPES = ", ".join(content_types.ALLOWED)

MULTIPART_UPLOAD: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": (
            "One file in field `file` (PDF, PNG, JPEG, DOCX, XLSX or ODT; the type is judged "
            "from the bytes and must agree with the part's Content-Type, if any other than "
            "application/octet-stream, and with the filename's extension) and an optional "
            "`title`. The body is streamed; a file over the server's limit answers 413."
        ),
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "propertyNames": {"minLength": 1},  # every part names its field
                    "properties": {
                        "file": {"type": "string", "format": "binary", "minLength": 1},
                        "title": {"type": "string", "maxLength": MAX_TITLE},
                    },
                },
                "encoding": {"file": {"contentType": ALLOWED_TYPES}},
            }
        },
    }
}
