from .seo import register

__all__ = ["register"]
