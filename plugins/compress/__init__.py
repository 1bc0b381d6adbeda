from .compress import register

__all__ = ["register"]
