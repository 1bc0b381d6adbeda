"""Production settings: development settings plus absolute public URLs.

The public address comes from the environment, e.g.
    BULLETIN_SITEURL=https://news.example.org invoke build --production
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403
from plugins.core.urls import public_siteurl

# Stops (in the reporter's language) when BULLETIN_SITEURL is not an address.
SITEURL = public_siteurl(os.environ.get("BULLETIN_SITEURL", ""))
CANONICAL_SITEURL = SITEURL
RELATIVE_URLS = False
PRODUCTION = True
# A demonstration (or a test) may publish the sample WhatsApp groups of
# content/registry/groups.toml: BULLETIN_ALLOW_SAMPLES=1.
ALLOW_SAMPLE_GROUPS = os.environ.get("BULLETIN_ALLOW_SAMPLES", "") == "1"
# The search index is made for the published site (see SEARCH in pelicanconf.py).
SEARCH = {**SEARCH, "index": True}  # noqa: F405
