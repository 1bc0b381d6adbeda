"""Every message `invoke ingest` shows a reporter, in one place.

Keys are stable names; each value gives the message through the core's
gettext catalog (plugins/core/messages.py: English msgids with named
placeholders, Hindi in plugins/core/locale/hi/). Code calls
`say(key, **values)` and never builds user-facing text itself.
"""

from __future__ import annotations

from collections.abc import Callable

from plugins.core.errors import CommandError
from plugins.core.messages import _, ngettext_

MESSAGES: dict[str, Callable[[dict], str]] = {
    # bad input: name the file (and line) and what to do
    "missing": lambda v: _(
        "%(path)s: no such file or folder; give a WhatsApp message "
        "(.txt), a chat export (.txt or .zip), a saved page (.html) "
        "or a WordPress export (.xml)",
        **v,
    ),
    "empty": lambda v: _(
        "%(path)s: the file is empty; copy the message or page into it again",
        **v,
    ),
    "binary": lambda v: _(
        "%(path)s: this is not UTF-8 text (another encoding, or a binary "
        "file?); save it as UTF-8 text, or give a WhatsApp message (.txt), "
        "a chat export (.txt or .zip), a saved page (.html) or a WordPress "
        "export (.xml)",
        **v,
    ),
    "no_sources": lambda v: _(
        "%(path)s: no source in this folder (no .txt, .zip, .html or .xml "
        "file); give the folder holding them, or the file itself",
        **v,
    ),
    "bad_header_date": lambda v: _(
        "%(path)s:%(line)s: this line starts like a message but its date "
        "cannot be a date (day and month swapped?); kept as text of the "
        "message before it: check that message",
        **v,
    ),
    "unknown": lambda v: _(
        "%(path)s: cannot tell what kind of source this is; give a "
        "WhatsApp message (.txt), a chat export (.txt or .zip), a "
        "saved page (.html) or a WordPress export (.xml)",
        **v,
    ),
    "zip_no_chat": lambda v: _(
        "%(path)s: this .zip holds no chat text (_chat.txt or "
        "'WhatsApp Chat with ….txt'); export the chat again with "
        "'Export chat'",
        **v,
    ),
    "zip_bad": lambda v: _(
        "%(path)s: the .zip cannot be read (not a .zip, or cut short); export "
        "the chat again",
        **v,
    ),
    "zip_photo_problem": lambda v: _(
        "%(path)s: the photo '%(name)s' inside the .zip %(problem)s; or "
        "remove it from the .zip",
        **v,
    ),
    "zip_two_chats": lambda v: _(
        "%(path)s: this .zip holds several chat texts (%(names)s); export "
        "each chat on its own and import each .zip",
        **v,
    ),
    "no_such_sender": lambda v: _(
        "%(path)s: no message from '%(sender)s' (--from); the senders in "
        "this chat are: %(senders)s",
        **v,
    ),
    "zip_not_photo": lambda v: _(
        "%(path)s: '%(name)s' inside the .zip is named like a photo but is "
        "not a JPEG, PNG or WebP picture; export the chat again, or remove "
        "that file from the .zip",
        **v,
    ),
    "link": lambda v: _(
        "%(path)s is a link to another file; give the file itself",
        **v,
    ),
    "zip_too_big": lambda v: _(
        "%(path)s: '%(name)s' inside the .zip is larger than "
        "%(limit)s MB; export the chat again without media",
        **v,
    ),
    "no_article": lambda v: _(
        "%(path)s: no article found in this page: it has no <h1> headline; "
        "save the article's own page, not a list or home page",
        **v,
    ),
    "no_article_text": lambda v: _(
        "%(path)s: the page has the headline '%(title)s' but no article "
        "text was found under it; save the page again once it has fully "
        "loaded ('Web Page, complete'), or paste the text as a message",
        **v,
    ),
    "only_address": lambda v: _(
        "%(path)s: the message is only a web address; open it in the "
        "browser, save the page (.html) and import that file",
        **v,
    ),
    "no_words": lambda v: _(
        "%(path)s: the message holds no words to make a note of (only "
        "emoji, numbers or marks); copy the message's text again",
        **v,
    ),
    "bad_xml": lambda v: _(
        "%(path)s: not a WordPress export (%(error)s); export again "
        "with Tools → Export in WordPress",
        **v,
    ),
    "bad_since": lambda v: _(
        "--since '%(value)s' is not a date; write it as YYYY-MM-DD",
        **v,
    ),
    "photo_trimmed": lambda v: _(
        "the photo %(name)s had %(size)s of other data after the picture "
        "(padding or another file joined to it); it was left out, the "
        "picture itself is copied unchanged",
        **v,
    ),
    "photo_saved_again": lambda v: _(
        "the photo %(name)s (%(size)s) does not mark where its picture ends "
        "(other data may follow it); it was saved again from the picture "
        "alone: compare it with the original",
        **v,
    ),
    "other_photos": lambda v: _(
        "other photos sent with this message were not copied (a note has "
        "one photo): %(names)s; to use one instead, copy it from the export "
        "into content/images/ and write its path in 'image'",
        **v,
    ),
    "stray_line": lambda v: _(
        "%(path)s:%(line)s: this line is before the first message "
        "(the export starts in the middle of one?); kept as the "
        "text of a message without sender",
        **v,
    ),
    "exists": lambda v: _(
        "%(path)s already exists; nothing was written (run again to pick another name)",
        **v,
    ),
    "write_failed": lambda v: _(
        "could not write %(path)s (%(error)s); nothing was written",
        **v,
    ),
    # warnings attached to a draft
    "no_thana": lambda v: _(
        "no police station found in the text (or two equally "
        "likely); fill in 'thana' with a name from "
        "content/registry/thanas.toml",
        **v,
    ),
    "no_category": lambda v: _(
        "no category found in the text (or two equally likely); "
        "fill in 'category' with a name from "
        "content/registry/categories.toml",
        **v,
    ),
    "no_reporter": lambda v: _(
        "no reporter found (no byline such as 'रिपोर्ट …'); fill in 'reporter'",
        **v,
    ),
    "no_summary": lambda v: _(
        "no summary could be made; write one or two sentences in 'summary'",
        **v,
    ),
    "krutidev": lambda v: _(
        "the text was typed in Kruti Dev and has been converted to "
        "Unicode Hindi; read it through before publishing",
        **v,
    ),
    "hidden_characters": lambda v: _(
        "characters that cannot be published (they hide or reorder text) "
        "were taken out of the text: %(chars)s; compare the draft with the "
        "original message",
        **v,
    ),
    "pasted_again": lambda v: _(
        "the message was there twice or more in a row (pasted again?); it is kept once",
        **v,
    ),
    "only_headline": lambda v: _(
        "the message is a single line (a photo's caption?): it is the "
        "headline and the text; write the news in full below the header",
        **v,
    ),
    "reporter_is_sender": lambda v: _(
        "'reporter' is the sender's WhatsApp name '%(name)s'; write the "
        "reporter's name as the bulletin prints it",
        **v,
    ),
    "bad_old_url": lambda v: _(
        "the post's old address '%(value)s' is not a web address and was left "
        "out; add 'old_url: https://…' if the old site had one",
        **v,
    ),
    "kept_draft_check": lambda v: _(
        "was published on the old site but does not pass the check "
        "(%(fields)s); kept as a draft: run 'invoke check --file' on it, "
        "correct what it names and set 'status: published'",
        **v,
    ),
    "the_text": lambda v: _(
        "the text",
        **v,
    ),
    "outside": lambda v: _(
        "%(path)s leads out of content/ (a folder on the way is a link to "
        "another place); nothing was written: replace the link by a real "
        "folder",
        **v,
    ),
    "image_alt": lambda v: _(
        "the photo %(image)s was attached; describe it in Hindi in 'image_alt'",
        **v,
    ),
    "unmatched_terms": lambda v: _(
        "WordPress categories/tags not in the registries: %(terms)s; kept as tags",
        **v,
    ),
    "kept_draft": lambda v: _(
        "was published on the old site but '%(fields)s' could not "
        "be found; kept as a draft: fill them in and set 'status: "
        "published'",
        **v,
    ),
    "same_news": lambda v: ngettext_(
        "the same news as %(other)s (same title and thana, dated within "
        "%(num)s day of each other)? If it is, delete this draft rather than "
        "publish it twice",
        "the same news as %(other)s (same title and thana, dated within "
        "%(num)s days of each other)? If it is, delete this draft rather than "
        "publish it twice",
        v["days"],
        other=v["other"],
    ),
    "no_message_date": lambda v: _(
        "the message has no date of its own; 'date' is %(when)s "
        "(when it was saved or pasted), correct it if the news is "
        "older",
        **v,
    ),
    "bad_date": lambda v: _(
        "%(path)s: the date '%(value)s' of %(item)s cannot be right (before "
        "1900, or ahead of today); kept as a draft dated at the import: write "
        "the real date in 'date'",
        **v,
    ),
    "no_date": lambda v: _(
        "no publication date found in the page; 'date' is the time "
        "of the import, correct it",
        **v,
    ),
    # the closing line of a run
    "summary_line": lambda v: _(
        "%(read)s messages read, %(written)s drafts %(verb)s, skipped: %(skipped)s",
        **v,
    ),
    "nothing_skipped": lambda v: _(
        "none",
        **v,
    ),
    "verb_written": lambda v: _(
        "written",
        **v,
    ),
    "verb_dry": lambda v: _(
        "would be written (dry run)",
        **v,
    ),
    "skip_system": lambda v: _(
        "%(n)s system lines",
        **v,
    ),
    "skip_media": lambda v: _(
        "%(n)s media only",
        **v,
    ),
    "skip_deleted": lambda v: _(
        "%(n)s deleted",
        **v,
    ),
    "skip_short": lambda v: _(
        "%(n)s short (under %(min_words)s words)",
        **v,
    ),
    "skip_sender": lambda v: _(
        "%(n)s from other senders",
        **v,
    ),
    "skip_since": lambda v: _(
        "%(n)s before %(since)s",
        **v,
    ),
    "skip_duplicate": lambda v: _(
        "%(n)s already imported",
        **v,
    ),
    "skip_stray": lambda v: _(
        "%(n)s lines before the first message (kept as a message)",
        **v,
    ),
    "skip_bad_date": lambda v: _(
        "%(n)s header lines with an impossible date (kept as text)",
        **v,
    ),
    "skip_not_post": lambda v: _(
        "%(n)s not posts (pages, attachments, menus)",
        **v,
    ),
    "skip_trash": lambda v: _(
        "%(n)s posts in the trash or never saved (auto-drafts)",
        **v,
    ),
}


def say(key: str, **values: object) -> str:
    """The message `key` in the reporter's language, `values` filled in."""
    return MESSAGES[key](values)


class IngestError(CommandError):
    """A source cannot be imported; the message names it and what to do."""
