"""Slug generation."""

import re

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def slugify(title: str, max_length: int = 60) -> str:
    """Return a lower-case, hyphen-separated slug for ``title``."""
    text = title.lower()
    text = _SEPARATORS.sub("-", text).strip("-")
    if len(text) > max_length:
        text = text[:max_length].rstrip("-")
    return text
