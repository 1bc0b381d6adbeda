"""Getting news in: WhatsApp messages, chat exports, saved pages and WordPress
exports become draft notes (`invoke ingest SOURCE`).

Not a Pelican plugin: it never shapes the build, it only writes drafts under
content/. One module per kind of source (message, chat, article, wxr), the
shared text rules (text, html_text), the draft (draft), the messages a
reporter sees (messages) and the driver the task calls (driver, run).
"""

from .driver import Options, Place, Result, ingest
from .messages import IngestError
from .run import run

__all__ = ["IngestError", "Options", "Place", "Result", "ingest", "run"]
