from .share import ShareError, ShareResult, describe, share
from .whatsapp import register

__all__ = ["ShareError", "ShareResult", "describe", "register", "share"]
