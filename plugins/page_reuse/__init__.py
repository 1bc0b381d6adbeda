from .page_reuse import notes_restored, pages_reused, register

__all__ = ["notes_restored", "pages_reused", "register"]
