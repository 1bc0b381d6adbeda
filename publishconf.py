"""Production settings: development settings plus absolute public URLs.

The public address comes from the environment, e.g.
    BULLETIN_SITEURL=https://news.example.org invoke build --production
"""

import importlib
import os
import sys

sys.path.append(os.curdir)
import pelicanconf
from plugins.core.urls import public_siteurl

# Fresh values at each load: Pelican changes some settings in place while it
# builds (MARKDOWN), and a process that builds again (a test, a server) would
# otherwise read the changed ones, with another site key (scripts/site_index.py).
importlib.reload(pelicanconf)
from pelicanconf import *  # noqa: E402, F403

# Stops (in the reporter's language) when BULLETIN_SITEURL is not an address.
SITEURL = public_siteurl(os.environ.get("BULLETIN_SITEURL", ""))
CANONICAL_SITEURL = SITEURL
RELATIVE_URLS = False
PRODUCTION = True
# A demonstration (or a test) may publish the sample WhatsApp groups of
# content/registry/groups.toml: BULLETIN_ALLOW_SAMPLES=1.
ALLOW_SAMPLE_GROUPS = os.environ.get("BULLETIN_ALLOW_SAMPLES", "") == "1"
# A production build records every note address it publishes
# (content/registry/published-urls.tsv); later builds keep them all alive.
LINKS = {"record": True}
# Web servers send the precompressed .gz and .br copies (plugins.compress).
COMPRESS = {"enabled": True}

# `invoke publish` (scripts/publish): where to (a folder, or
# ssh://user@host/srv/bulletin), how many releases to keep for --rollback, and
# a command to run there after the switch (e.g. reload the web server so it
# reads the new redirect list: "sudo systemctl reload nginx").
PUBLISH_TARGET = os.environ.get("BULLETIN_PUBLISH_TARGET", "")
PUBLISH_KEEP = 5
PUBLISH_AFTER = os.environ.get("BULLETIN_PUBLISH_AFTER", "")
# git:BRANCH targets push to this remote when the repository has it.
PUBLISH_GIT_REMOTE = "origin"
# Old fingerprinted stylesheets and scripts stay at every target until they
# were last linked more than keep_publishes publishes AND keep_days days ago,
# so a page a reader or a CDN cached earlier keeps its stylesheet
# (scripts/publish/retention.py).
PUBLISH_ASSETS = {"keep_publishes": 10, "keep_days": 30}
# The search index is made for the published site (see SEARCH in pelicanconf.py).
SEARCH = {**SEARCH, "index": True}  # noqa: F405

# Drafts are previewed in development (/drafts/<slug>/, e.g. what `invoke
# ingest` wrote); the published site has none.
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
