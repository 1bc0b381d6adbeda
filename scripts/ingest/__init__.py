"""Getting news in: WhatsApp messages, chat exports, saved pages and WordPress
exports become draft notes (`invoke ingest SOURCE`).

Not a Pelican plugin: it never shapes the build, it only writes drafts under
content/. One module per kind of source (message, chat, article, wxr), the
shared text rules (text, html_text), the draft (draft), the messages a
reporter sees (messages) and the driver the task calls (driver, run).

Libraries: BeautifulSoup (lxml) finds a page's title, date, byline and main
element; markdownify turns HTML into Markdown; lxml reads WXR without
resolving entities. Tried and not used: whatstk (reads the same header
formats, but drops WhatsApp's notices without counting them, gives no line
numbers and pulls in pandas, matplotlib and plotly), trafilatura (finds the
text well but keeps captions, share prompts and app walls, loses quotes and
takes JSON-LD's shorter headline over the <h1>), htmldate (the day only,
not the time).
"""

from .driver import Options, Place, Result, ingest
from .messages import IngestError
from .run import run

__all__ = ["IngestError", "Options", "Place", "Result", "ingest", "run"]
