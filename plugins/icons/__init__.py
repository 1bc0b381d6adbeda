from .icons import register

__all__ = ["register"]
