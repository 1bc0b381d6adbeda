from .translations import load_translations, register, untranslated

__all__ = ["load_translations", "register", "untranslated"]
