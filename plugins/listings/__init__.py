from .listings import register

__all__ = ["register"]
