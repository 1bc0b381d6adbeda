"""`invoke publish`: build the production site and put it online."""

from .driver import PublishError, publish

__all__ = ["PublishError", "publish"]
