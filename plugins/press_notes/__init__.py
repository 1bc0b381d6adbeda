from plugins.core.errors import ContentError, Problem

from .press_notes import check_content, register, registry_for

__all__ = ["ContentError", "Problem", "check_content", "register", "registry_for"]
