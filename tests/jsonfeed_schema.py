"""The JSON Feed 1.1 format (https://www.jsonfeed.org/version/1.1/) as a JSON Schema.

Written from the specification's field list: `version`, `title` and `items`
are required at the top, each item needs an `id` and `content_html` or
`content_text`, an author needs at least one of its fields, dates are RFC 3339
and URLs absolute. Unknown keys are allowed only as extensions, which start
with an underscore.
"""

RFC_3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
ABSOLUTE_URL = r"^https?://[^\s]+$"

_URL = {"type": "string", "pattern": ABSOLUTE_URL}
_DATE = {"type": "string", "pattern": RFC_3339}
_EXTENSIONS = {"^_": {}}

AUTHOR = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "url": _URL, "avatar": _URL},
    "anyOf": [{"required": ["name"]}, {"required": ["url"]}, {"required": ["avatar"]}],
    "patternProperties": _EXTENSIONS,
    "additionalProperties": False,
}

ATTACHMENT = {
    "type": "object",
    "required": ["url", "mime_type"],
    "properties": {
        "url": _URL,
        "mime_type": {"type": "string"},
        "title": {"type": "string"},
        "size_in_bytes": {"type": "integer", "minimum": 0},
        "duration_in_seconds": {"type": "number", "minimum": 0},
    },
    "patternProperties": _EXTENSIONS,
    "additionalProperties": False,
}

ITEM = {
    "type": "object",
    "required": ["id"],
    "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
    "properties": {
        "id": {"type": "string", "minLength": 1},
        "url": _URL,
        "external_url": _URL,
        "title": {"type": "string"},
        "content_html": {"type": "string"},
        "content_text": {"type": "string"},
        "summary": {"type": "string"},
        "image": _URL,
        "banner_image": _URL,
        "date_published": _DATE,
        "date_modified": _DATE,
        "authors": {"type": "array", "items": AUTHOR},
        "tags": {"type": "array", "items": {"type": "string"}},
        "language": {"type": "string"},
        "attachments": {"type": "array", "items": ATTACHMENT},
    },
    "patternProperties": _EXTENSIONS,
    "additionalProperties": False,
}

JSON_FEED_1_1 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": _URL,
        "feed_url": _URL,
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": _URL,
        "icon": _URL,
        "favicon": _URL,
        "authors": {"type": "array", "items": AUTHOR},
        "language": {"type": "string"},
        "expired": {"type": "boolean"},
        "hubs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "url"],
                "properties": {"type": {"type": "string"}, "url": _URL},
            },
        },
        "items": {"type": "array", "items": ITEM},
    },
    "patternProperties": _EXTENSIONS,
    "additionalProperties": False,
}
