from .press_notes import check_content, register, registry_for
from .problems import ContentError, Problem

__all__ = ["ContentError", "Problem", "check_content", "register", "registry_for"]
