"""Production settings: development settings plus absolute public URLs.

The public address comes from the environment, e.g.
    BULLETIN_SITEURL=https://news.example.org invoke build --production
"""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("BULLETIN_SITEURL", "").rstrip("/")
if not SITEURL.startswith(("http://", "https://")):
    raise SystemExit(
        "publishconf.py: set BULLETIN_SITEURL to the public address of the "
        "bulletin, e.g. BULLETIN_SITEURL=https://news.example.org"
    )
CANONICAL_SITEURL = SITEURL
RELATIVE_URLS = False
PRODUCTION = True
# A demonstration (or a test) may publish the sample WhatsApp groups of
# content/registry/groups.toml: BULLETIN_ALLOW_SAMPLES=1.
ALLOW_SAMPLE_GROUPS = os.environ.get("BULLETIN_ALLOW_SAMPLES", "") == "1"
