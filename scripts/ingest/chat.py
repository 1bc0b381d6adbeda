"""WhatsApp "Export chat" text -> messages, as every phone writes it.

Headers: Android `24/11/26, 10:02 - Name: text` (24-hour, or 12-hour with
am/pm or AM/PM after an ordinary or narrow no-break space), iOS
`[24/11/26, 10:02:33] Name: text` (U+200E marks, CRLF), and messages
copied together in the app, `[10:02 am, 24/11/2026] Name: text`. Dates may be
day-first or month-first with 2- or 4-digit years: the order is decided from
the whole file (a first number over 12 means day-first, a second one
month-first; India's day-first otherwise). Lines that are not headers
continue the message before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from .rules import ChatMarkers
from .text import hidden_characters, normalize

_DATE = r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{2}|\d{4})"
_TIME = (
    r"(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?"
    r"(?:[ \u00a0\u202f]?(?P<ampm>[AaPp]\.?\s?[Mm]\.?|पूर्वाह्न|अपराह्न))?"
)
ANDROID_RE = re.compile(rf"^{_DATE},?\s+{_TIME}\s+[-–]\s+(?P<rest>.*)$")
IOS_RE = re.compile(rf"^\[{_DATE},?\s+{_TIME}\]\s+(?P<rest>.*)$")
# Several messages copied together in the Android app: "[10:02 am, 24/11/2026] …"
COPIED_RE = re.compile(rf"^\[{_TIME},\s+{_DATE}\]\s+(?P<rest>.*)$")
MARKS = "\u200e\u200f\ufeff"
SENDER_MAX = 60


@dataclass
class ChatMessage:
    line: int  # where its header is (1-based)
    when: datetime
    sender: str  # '' for lines WhatsApp itself wrote
    text: str
    marked: bool = False  # iOS marks its own notices with U+200E
    orphan: bool = False  # lines before the first header: a message cut off
    hidden: str = ""  # the hidden characters taken out of its text, named


@dataclass
class Chat:
    messages: list[ChatMessage] = field(default_factory=list)
    stray_lines: list[int] = field(default_factory=list)
    # lines that look like a message's header but whose date is impossible
    bad_dates: list[int] = field(default_factory=list)
    day_first: bool = True


def _header(line: str) -> re.Match | None:
    bare = line.lstrip(MARKS)
    return ANDROID_RE.match(bare) or IOS_RE.match(bare) or COPIED_RE.match(bare)


HEAD_LINES = 5


def is_chat(text: str) -> bool:
    """Does this text look like a chat export (a header among its first lines)?"""
    lines = [ln for ln in text.splitlines()[:200] if ln.strip()]
    return any(_header(ln) for ln in lines[:HEAD_LINES])


def _day_first(matches: list[re.Match]) -> bool:
    if any(int(m["a"]) > 12 for m in matches):
        return True
    return not any(int(m["b"]) > 12 for m in matches)


def _when(m: re.Match, day_first: bool, zone: tzinfo) -> datetime | None:
    day, month = (m["a"], m["b"]) if day_first else (m["b"], m["a"])
    year = int(m["y"]) + (2000 if len(m["y"]) == 2 else 0)
    hour = int(m["H"])
    if m["ampm"]:
        pm = m["ampm"][0] in "pPअ"
        hour = hour % 12 + (12 if pm else 0)
    try:
        return datetime(
            year,
            int(month),
            int(day),
            hour,
            int(m["M"]),
            int(m["S"] or 0),
            tzinfo=zone,
        )
    except ValueError:
        return None


def parse_chat(text: str, zone: tzinfo) -> Chat:
    """Every message of an exported chat, multi-line messages whole, NFC."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headers = [(i, _header(line)) for i, line in enumerate(lines)]
    chat = Chat(day_first=_day_first([m for _, m in headers if m]))
    current: ChatMessage | None = None
    for i, m in headers:
        when = _when(m, chat.day_first, zone) if m else None
        if m is not None and when is None:
            chat.bad_dates.append(i + 1)
        if m is None or when is None:
            if current is not None:
                current.text += "\n" + lines[i]
            elif lines[i].strip():
                chat.stray_lines.append(i + 1)
            continue
        rest = m["rest"]
        sender, sep, body = rest.partition(": ")
        if not sep or len(sender) > SENDER_MAX:
            sender, body = "", rest
        marked = body.lstrip()[:1] in MARKS
        current = ChatMessage(i + 1, when, normalize(sender).strip(), body, marked)
        chat.messages.append(current)
    if chat.stray_lines and chat.messages:
        # kept as the text of a message without sender, dated as the first one
        first = chat.stray_lines[0]
        text = "\n".join(lines[first - 1 : chat.messages[0].line - 1])
        orphan = ChatMessage(first, chat.messages[0].when, "", text, orphan=True)
        chat.messages.insert(0, orphan)
    for msg in chat.messages:
        msg.hidden = hidden_characters(msg.text)
        msg.text = normalize(msg.text).strip()
    return chat


def kind_of(msg: ChatMessage, markers: ChatMarkers) -> str:
    """'system', 'deleted', 'media' (nothing but media) or 'text'."""
    text = msg.text.strip()
    if not (msg.sender or msg.orphan) or _matches(text, markers.system):
        return "system"
    if msg.marked and _matches(text, markers.system_marked):
        return "system"
    if _matches(text, markers.deleted):
        return "deleted"
    rest = [
        ln
        for ln in text.split("\n")
        if ln.strip() and not _matches(ln.strip(), markers.media)
    ]
    rest = [ln for ln in rest if not attachment(ln, markers)]
    return "text" if rest else "media"


def _matches(text: str, patterns) -> bool:
    return any(p.search(text) for p in patterns)


def attachment(line: str, markers: ChatMarkers) -> str:
    """The file name of an attached photo named on this line, else ''."""
    for p in markers.attachment:
        if m := p.search(line.strip()):
            return m["name"].strip()
    return ""


def split_attachments(text: str, markers: ChatMarkers) -> tuple[str, list[str]]:
    """The message text without attachment and media lines, and the photo names."""
    names, kept = [], []
    for pattern in markers.remove:
        text = pattern.sub("", text)
    for line in text.split("\n"):
        if name := attachment(line, markers):
            names.append(name)
        elif not _matches(line.strip(), markers.media):
            kept.append(line)
    return "\n".join(kept).strip(), names
