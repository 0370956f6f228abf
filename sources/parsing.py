"""Parsing feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) into sanitised entries.

The parser is always given bytes, never a string that it might take for a
path or an address. Before it sees them, the document is re-encoded as UTF-8
(wrong, missing and lying charsets are resolved here) and any DTD is removed;
a document that declares entities is refused outright, so entity expansion
(billion laughs) and external entities cannot happen, whatever the parser
below would do with them. The parser itself (fastfeedparser, over lxml) is
also set not to resolve entities and never to use the network.

All HTML is sanitised with nh3 against an allowlist before anything else sees it.
"""

import codecs
import hashlib
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import fastfeedparser
import nh3
from charset_normalizer import from_bytes

MAX_TITLE_LENGTH = 1000
MAX_URL_LENGTH = 2000
MAX_ID_LENGTH = 2000


class FeedParseError(Exception):
    """The document is not a feed that can be read."""


class UnsafeDocument(FeedParseError):
    """The document declares entities or other DTD features that feeds never need."""


@dataclass(frozen=True)
class ParsedEntry:
    guid: str
    link: str
    title: str  # plain text
    summary_html: str  # sanitised
    content_html: str  # sanitised
    text: str  # plain text of the content, else of the summary
    author: str
    published: datetime | None
    language: str

    def identity(self) -> str:
        """The entry's id within its feed: guid, else link, else a hash of title and text."""
        if self.guid:
            return self.guid[:MAX_ID_LENGTH]
        if self.link:
            return self.link[:MAX_ID_LENGTH]
        return "sha256:" + hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()

    def content_hash(self) -> str:
        """Changes whenever anything stored from the entry changes."""
        digest = hashlib.sha256()
        for part in (self.title, self.link, self.summary_html, self.content_html, self.author, self.language):
            digest.update(part.encode("utf-8", "surrogatepass"))
            digest.update(b"\x00")
        digest.update((self.published.isoformat() if self.published else "").encode())
        return digest.hexdigest()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    language: str
    ttl_minutes: int | None
    entries: tuple[ParsedEntry, ...]


# Sanitising -----------------------------------------------------------------

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dl", "dt", "em",
    "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre",
    "q", "s", "small", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
# Dropped with everything inside them. Images are dropped too (as tags): a
# remote image in the admin is a tracking pixel that tells the publisher who reads.
CLEAN_CONTENT_TAGS = {
    "script", "style", "iframe", "noscript", "object", "embed", "template", "svg", "math", "textarea",
    "select", "frame", "frameset", "applet",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_HTML_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags=CLEAN_CONTENT_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
    url_relative="deny",
)
_TEXT_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags=CLEAN_CONTENT_TAGS, attributes={})
_BLOCK_BOUNDARY = re.compile(r"<(?:/?(?:p|div|li|ul|ol|h[1-6]|tr|td|th|blockquote|pre|figure|figcaption)\b|br)[^>]*>")


def sanitise_html(fragment: str) -> str:
    """HTML that keeps structure and links but no scripts, handlers, styles, frames or images."""
    if not fragment:
        return ""
    return _HTML_CLEANER.clean(fragment).strip()


def _collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, none at the ends (str.split is several times faster than a regex)."""
    return " ".join(text.split())


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, with block boundaries kept as spaces."""
    if not fragment:
        return ""
    if "<" in fragment:
        fragment = _TEXT_CLEANER.clean(_BLOCK_BOUNDARY.sub(" ", fragment))
    elif "&" not in fragment:
        return _collapse_spaces(fragment)
    return _collapse_spaces(html.unescape(fragment))


# Charsets and DTDs ----------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']", re.I)
_XML_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.I)
_DOCTYPE_FULL = re.compile(r"<!DOCTYPE\s[^\[>]*(?:\[(?P<subset>.*?)\]\s*)?>", re.I | re.S)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
_TTL = re.compile(r"<ttl>\s*(\d{1,6})\s*</ttl>", re.I)
_CHANNEL_LANGUAGE = re.compile(
    r"<(?:dc:)?language>\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\s*</(?:dc:)?language>", re.I
)


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError):
        return None


def _sniff_utf16_32(content: bytes) -> str | None:
    head = content[:4]
    if len(head) < 4:
        return None
    if head[0] == 0 and head[1] == 0 and head[2] == 0 and head[3]:
        return "utf-32-be"
    if head[0] and head[1] == 0 and head[2] == 0 and head[3] == 0:
        return "utf-32-le"
    if head[0] == 0 and head[1]:
        return "utf-16-be"
    if head[0] and head[1] == 0:
        return "utf-16-le"
    return None


def decode_document(content: bytes, http_charset: str = "") -> str:
    """The document as text, whatever charset it is really in.

    A byte-order mark is trusted. Otherwise bytes that are valid UTF-8 are read
    as UTF-8 (a legacy charset almost never yields valid UTF-8 by accident, so
    a declaration that says otherwise is lying); then the XML declaration and
    the HTTP charset are tried, strictly; then charset detection decides.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    wide = _sniff_utf16_32(content)
    if wide:
        return content.decode(wide, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _XML_DECLARATION.match(content[:512])
    candidates = [declared.group(1).decode("ascii") if declared else "", http_charset]
    for name in candidates:
        encoding = _codec(name) if name else None
        if encoding and not encoding.startswith(("utf-16", "utf-32")):
            try:
                return content.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
    best = from_bytes(content[:200_000]).best()
    if best is not None and best.encoding:
        return content.decode(best.encoding, errors="replace")
    return content.decode("utf-8", errors="replace")


def neutralise_dtd(document: str) -> str:
    """Remove the DOCTYPE; refuse a document whose DTD declares entities.

    Feeds never need a DTD. The old RSS 0.91 one only names HTML entities, and
    removing it costs at most a few undefined entity references, which the
    parser drops. Entity declarations are how billion-laughs and external
    entity (XXE) attacks work, so such a document is not parsed at all.
    """
    first_element = _FIRST_ELEMENT.search(document)
    prolog_end = first_element.start() if first_element else len(document)
    found = _DOCTYPE.search(document, 0, prolog_end)
    if found is None:
        if "<!ENTITY" in document[:prolog_end].upper():
            raise UnsafeDocument("the document declares entities outside a DOCTYPE")
        return document
    whole = _DOCTYPE_FULL.match(document, found.start())
    if whole is None:
        raise UnsafeDocument("the document has a malformed DOCTYPE")
    subset = whole.group("subset") or ""
    if "<!ENTITY" in subset.upper():
        raise UnsafeDocument("the document's DTD declares entities (refused: entity expansion and external entities)")
    return document[: whole.start()] + document[whole.end() :]


def _charset_of(content_type: str) -> str:
    found = _CHARSET_PARAM.search(content_type or "")
    return found.group(1) if found else ""


def prepare_document(content: bytes, content_type: str = "") -> bytes:
    """UTF-8 bytes with an honest XML declaration and no DTD, ready for the parser."""
    if not isinstance(content, bytes | bytearray | memoryview):
        raise TypeError("feed documents are parsed from bytes only")
    document = decode_document(bytes(content), _charset_of(content_type))
    stripped = document.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("{", "[")):
        return stripped.encode("utf-8", "surrogatepass")
    document = neutralise_dtd(stripped)
    document = _XML_DECLARATION_TEXT.sub("", document, count=1)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + document.encode("utf-8", "replace")


# Entries ---------------------------------------------------------------------


def _http_url(value: str | None, base: str = "") -> str:
    if not value or not isinstance(value, str):
        return ""
    value = value.strip()
    if base:
        try:
            value = urljoin(base, value)
        except ValueError:
            return ""
    try:
        scheme = urlsplit(value).scheme.lower()
    except ValueError:
        return ""
    return value[:MAX_URL_LENGTH] if scheme in ("http", "https") else ""


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _timestamp(value, now: datetime) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment.year < 1990:
        return None
    # A date in the future is a publisher's mistake; it would pin the entry to the top.
    return min(moment, now)


def _language(value) -> str:
    value = _text(value).strip().replace("_", "-")
    return value[:16].lower() if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value) else ""


def _entry(raw, base_url: str, feed_language: str, now: datetime) -> ParsedEntry:
    link = _http_url(raw.get("link"), base_url)
    if not link:
        for candidate in raw.get("links") or ():
            if isinstance(candidate, dict) and candidate.get("rel") in (None, "", "alternate"):
                link = _http_url(candidate.get("href"), base_url)
                if link:
                    break
    raw_summary = _text(raw.get("description")) or _text(raw.get("summary"))
    summary_html = sanitise_html(raw_summary)
    contents = [item.get("value") for item in raw.get("content") or () if isinstance(item, dict)]
    raw_content = max((_text(value) for value in contents), key=len, default="")
    # RSS parsers report the description as the content too; the same HTML is sanitised once.
    content_html = "" if raw_content == raw_summary else sanitise_html(raw_content)
    if content_html == summary_html:
        content_html = ""
    title = html_to_text(_text(raw.get("title")))[:MAX_TITLE_LENGTH]
    text = html_to_text(content_html or summary_html)
    author = raw.get("author")
    if isinstance(author, dict):
        author = author.get("name")
    guid = _text(raw.get("id")).strip()
    if guid and guid == _text(raw.get("link")).strip():
        guid = link or guid  # the parser fills a missing guid with the raw link; keep the resolved one
    return ParsedEntry(
        guid=guid[:MAX_ID_LENGTH],
        link=link,
        title=title,
        summary_html=summary_html,
        content_html=content_html,
        text=text,
        author=html_to_text(_text(author))[:300],
        published=_timestamp(raw.get("published"), now) or _timestamp(raw.get("updated"), now),
        language=_language(raw.get("language")) or feed_language,
    )


def parse_feed(content: bytes, content_type: str = "", base_url: str = "") -> ParsedFeed:
    """Parse a feed document from bytes. Raises ``FeedParseError`` and nothing else."""
    if not isinstance(content, bytes | bytearray | memoryview):
        raise TypeError("feed documents are parsed from bytes only")
    try:
        prepared = prepare_document(content, content_type)
        parsed = fastfeedparser.parse(prepared, include_tags=False, include_media=False, include_enclosures=False)
        feed = parsed.get("feed") or {}
        head = prepared[:65536].decode("utf-8", "ignore")
        declared_language = _CHANNEL_LANGUAGE.search(head)
        feed_language = _language(feed.get("language")) or _language(declared_language and declared_language.group(1))
        link = _http_url(feed.get("link"), base_url)
        now = datetime.now(UTC)
        entries = tuple(
            _entry(raw, link or base_url, feed_language, now)
            for raw in parsed.get("entries") or ()
            if isinstance(raw, dict)
        )
        ttl = _TTL.search(head)
        return ParsedFeed(
            title=html_to_text(_text(feed.get("title")))[:300],
            link=link,
            language=feed_language,
            ttl_minutes=int(ttl.group(1)) if ttl else None,
            entries=entries,
        )
    except FeedParseError:
        raise
    except Exception as exc:  # a hostile document must cost nothing but its own log line
        raise FeedParseError(f"{type(exc).__name__}: {exc}"[:500]) from exc
