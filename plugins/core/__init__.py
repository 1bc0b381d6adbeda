"""The shared core of the bulletin's plugins: settings, errors, files, URLs,
the note header, photo rules, and the contract between plugins.

As a plugin (first in PLUGINS), it checks when a build starts that every
plugin loaded and comes after the plugins it reads from.
"""

from .core import register

__all__ = ["register"]
