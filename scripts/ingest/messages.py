"""Every message `invoke ingest` shows a reporter, in one place.

Keys are stable names; values are English message templates (the future
gettext msgids, issue 12 routes them through the Hindi catalog). Code calls
`say(key, **values)` and never builds user-facing text itself.
"""

from __future__ import annotations

from plugins.core.errors import CommandError

MESSAGES: dict[str, str] = {
    # bad input: name the file (and line) and what to do
    "missing": "{path}: no such file or folder; give a WhatsApp message (.txt), "
    "a chat export (.txt or .zip), a saved page (.html) or a WordPress export (.xml)",
    "empty": "{path}: the file is empty; copy the message or page into it again",
    "binary": "{path}: this is not text (a binary file?); give a WhatsApp message "
    "(.txt), a chat export (.txt or .zip), a saved page (.html) or a WordPress "
    "export (.xml)",
    "unknown": "{path}: cannot tell what kind of source this is; give a WhatsApp "
    "message (.txt), a chat export (.txt or .zip), a saved page (.html) or a "
    "WordPress export (.xml)",
    "zip_no_chat": "{path}: this .zip holds no chat text (_chat.txt or "
    "'WhatsApp Chat with ….txt'); export the chat again with 'Export chat'",
    "zip_bad": "{path}: the .zip cannot be read ({error}); export the chat again",
    "zip_too_big": "{path}: '{name}' inside the .zip is larger than {limit} MB; "
    "export the chat again without media",
    "no_article": "{path}: no article found in this page (no <h1> title or no "
    "paragraphs); save the article's own page, not a list or home page",
    "bad_xml": "{path}: not a WordPress export ({error}); export again with "
    "Tools → Export in WordPress",
    "bad_since": "--since '{value}' is not a date; write it as YYYY-MM-DD",
    "bad_override": "--{option} '{value}' is not in {registry}{hint}",
    "stray_line": "{path}:{line}: this line is before the first message (the "
    "export starts in the middle of one?); kept as the text of a message "
    "without sender",
    "exists": "{path} already exists; nothing was written (run again to pick "
    "another name)",
    "write_failed": "could not write {path} ({error}); nothing was written",
    # warnings attached to a draft
    "no_thana": "no police station found in the text (or two equally likely); "
    "fill in 'thana' with a name from content/registry/thanas.toml",
    "no_category": "no category found in the text (or two equally likely); fill "
    "in 'category' with a name from content/registry/categories.toml",
    "no_reporter": "no reporter found (no byline such as 'रिपोर्ट …'); fill in "
    "'reporter'",
    "no_summary": "no summary could be made; write one or two sentences in 'summary'",
    "krutidev": "the text was typed in Kruti Dev and has been converted to "
    "Unicode Hindi; read it through before publishing",
    "image_alt": "the photo {image} was attached; describe it in Hindi in 'image_alt'",
    "unmatched_terms": "WordPress categories/tags not in the registries: "
    "{terms}; kept as tags",
    "kept_draft": "was published on the old site but '{fields}' could not be "
    "found; kept as a draft: fill them in and set 'status: published'",
    "no_message_date": "the message has no date of its own; 'date' is {when} "
    "(when it was saved or pasted), correct it if the news is older",
    "no_date": "no publication date found in the page; 'date' is the time of "
    "the import, correct it",
    # the closing line of a run
    "summary_line": "{read} messages read, {written} drafts {verb}, skipped: {skipped}",
    "nothing_skipped": "none",
    "verb_written": "written",
    "verb_dry": "would be written (dry run)",
    "skip_system": "{n} system lines",
    "skip_media": "{n} media only",
    "skip_deleted": "{n} deleted",
    "skip_short": "{n} short (under {min_words} words)",
    "skip_sender": "{n} from other senders",
    "skip_since": "{n} before {since}",
    "skip_duplicate": "{n} already imported",
    "skip_stray": "{n} lines before the first message (kept as a message)",
    "skip_not_post": "{n} not posts (pages, attachments, menus)",
}


def say(key: str, **values: object) -> str:
    """The message `key` with `values` filled in."""
    return MESSAGES[key].format(**values)


class IngestError(CommandError):
    """A source cannot be imported; the message names it and what to do."""
