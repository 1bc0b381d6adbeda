"""The fixed Hindi words of the feeds, in one place.

Feed titles and descriptions are built from these templates and the names in
the settings and registries (SITENAME, the district, stations, categories,
reporters). The theme's own UI text goes through gettext instead, as does the
note a feed opened in a browser starts with (theme/templates/_feed_words.html).
"""

from __future__ import annotations

DISTRICT_TITLE = "{site} — जिला {name}"
DISTRICT_DESCRIPTION = "जिला {name} के सभी थानों की प्रेस विज्ञप्तियाँ और सूचनाएँ।"
THANA_TITLE = "{site} — थाना {name}"
THANA_DESCRIPTION = "थाना {name} ({area}) की प्रेस विज्ञप्तियाँ और सूचनाएँ।"
CATEGORY_TITLE = "{site} — श्रेणी: {name}"
CATEGORY_DESCRIPTION = "श्रेणी “{name}” की प्रेस विज्ञप्तियाँ और सूचनाएँ।"
REPORTER_TITLE = "{site} — संवाददाता: {name}"
REPORTER_DESCRIPTION = "संवाददाता {name} द्वारा भेजी गई प्रेस विज्ञप्तियाँ और सूचनाएँ।"

# An item's police station as a feed category label ("थाना नामली").
THANA_LABEL = "थाना {name}"

# Format names as shown in <link rel="alternate" title="…">.
FORMAT_LABELS = {"rss": "आरएसएस", "atom": "एटम"}
LINK_TITLE = "{title} ({format})"
