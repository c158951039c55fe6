"""Reading an inbound email as a person would: is it a person's mail at all, and what did they newly write?

Pure functions of an `anymail.inbound.AnymailInboundMessage` (or what was stored of it): no database, no network.

- `machine_reason()`: auto-replies and out-of-office (RFC 3834 `Auto-Submitted`, `X-Autoreply`,
  `X-Autorespond`, `Precedence: auto_reply / bulk / junk`), bounces and delivery reports (`multipart/report`,
  a `message/delivery-status` part, an empty envelope sender, `MAILER-DAEMON`), mails from our own addresses.
- `new_text()`: the text the sender wrote in this mail, without the quoted mail they answered and without their
  signature — mail-parser-reply does the work (Dutch, English, German, French headers and sign-offs); HTML-only
  mails are first reduced to text with nh3 and BeautifulSoup, dropping the quoted `<blockquote>`.
"""

from email.utils import parseaddr

import nh3
from bs4 import BeautifulSoup
from django.conf import settings
from mailparser_reply import EmailReplyParser

from supporters.replies import is_reply_address

# Headers kept (lower case) until the message is processed: what classification and threading need.
KEPT_HEADERS = (
    "message-id",
    "in-reply-to",
    "references",
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "precedence",
    "x-failed-recipients",
    "content-type",
    "return-path",
)
AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk"}
BOUNCE_SENDERS = {"mailer-daemon", "postmaster"}
REPLY_LANGUAGES = ["nl", "en", "de", "fr"]
# Tags kept while reducing HTML to text (their line breaks matter); everything else goes, content kept.
TEXT_TAGS = {"p", "br", "div", "li", "ul", "ol", "blockquote", "tr", "h1", "h2", "h3", "h4", "pre"}


def kept_headers(message) -> dict[str, str]:
    """The headers worth keeping until processing, as {lower-case name: value}."""
    found = {}
    for name in KEPT_HEADERS:
        value = message.get(name)
        if value is not None:
            found[name] = str(value)[:1000]
    return found


def parts_summary(message) -> tuple[list[dict], bool]:
    """Names, types and sizes of the attachments (their content is never kept), and whether a part is a DSN."""
    attachments, has_report = [], False
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type in {"message/delivery-status", "message/disposition-notification"}:
            has_report = True
        if part.is_multipart():
            continue
        if part.is_attachment() or (part.get_content_disposition() == "inline" and part.get_filename()):
            try:
                size = len(part.get_content_bytes() or b"")
            except Exception:
                size = 0
            attachments.append(
                {"name": (part.get_filename() or "")[:200], "type": content_type[:100], "size": size}
            )
    return attachments, has_report


def own_addresses() -> set[str]:
    """Our sending addresses: a mail from one of them is our own mail coming back (or a loop)."""
    addresses = {
        parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        parseaddr(getattr(settings, "SERVER_EMAIL", ""))[1],
    }
    return {address.strip().lower() for address in addresses if address}


def machine_reason(
    *, from_email: str, headers: dict[str, str], envelope_sender: str | None, has_report: bool
) -> str:
    """ "own_address", "bounce" or "auto_reply" when no person wrote this mail to us; "" otherwise."""
    sender = (from_email or "").strip().lower()
    if sender in own_addresses() or is_reply_address(sender):
        return "own_address"
    content_type = headers.get("content-type", "").lower()
    envelope = (envelope_sender or "").strip().strip("<>").lower() if envelope_sender is not None else None
    if (
        has_report
        or content_type.startswith("multipart/report")
        or "x-failed-recipients" in headers
        or sender.partition("@")[0] in BOUNCE_SENDERS
        or envelope == ""
        or headers.get("return-path", "").strip() == "<>"
    ):
        return "bounce"
    auto_submitted = headers.get("auto-submitted", "").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto_reply"
    if "x-autoreply" in headers or "x-autorespond" in headers:
        return "auto_reply"
    if headers.get("precedence", "").strip().lower() in AUTO_PRECEDENCE:
        return "auto_reply"
    return ""


def html_to_text(html: str) -> str:
    """Safe plain text of an HTML mail body: nh3 removes scripts, styles and attributes; quoted parts go."""
    cleaned = nh3.clean(html or "", tags=TEXT_TAGS, attributes={"div": {"class"}, "blockquote": {"type"}})
    soup = BeautifulSoup(cleaned, "html.parser")
    for quoted in soup.select("blockquote, div.gmail_quote, div.moz-cite-prefix, div.yahoo_quoted"):
        quoted.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(TEXT_TAGS - {"br"}):
        block.insert_after("\n")
    lines = [" ".join(line.split()) for line in soup.get_text().splitlines()]
    text = "\n".join(lines)
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text.strip()


def _without_quoted_lines(text: str) -> str:
    """Drop `>`-quoted lines (RFC 3676) and the attribution line that introduces them ("On … wrote:").

    mail-parser-reply recognises most clients' attribution lines but not every wording (Gmail's Dutch
    "Op … schreef … <adres>:"); the quoted lines themselves are unambiguous.
    """
    kept: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith(">"):
            while kept and not kept[-1].strip():
                kept.pop()
            if kept and kept[-1].rstrip().endswith(":") and "@" in kept[-1]:
                kept.pop()
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def new_text(*, text: str, html: str = "") -> str:
    """What the sender newly wrote: the first reply of the mail, without quotes and without signature."""
    source = (text or "").replace("\r\n", "\n").strip() or html_to_text(html)
    if not source:
        return ""
    parsed = EmailReplyParser(languages=REPLY_LANGUAGES).read(source)
    body = parsed.replies[0].body if parsed.replies else source
    return _without_quoted_lines(body or "")
