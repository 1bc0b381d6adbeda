from .hindi_text import register

__all__ = ["register"]
