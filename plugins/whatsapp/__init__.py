from .whatsapp import register

__all__ = ["register"]
