"""Turn titles into URL slugs."""

from .core import slugify

__all__ = ["slugify"]
