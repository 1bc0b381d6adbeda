from .page_reuse import pages_reused, register

__all__ = ["pages_reused", "register"]
