"""Credentials never reach a message or a log: a URL is shown with its password (and secret options) masked."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SECRET_OPTIONS = ("password", "sslpassword", "passfile", "sslkey")
_URL_IN_TEXT = re.compile(r"postgres(?:ql)?://[^\s'\"]+")


def redact(location: str) -> str:
    """postgresql://ann:secret@host/db -> postgresql://ann:***@host/db; anything else is returned unchanged."""
    if not location.startswith(("postgresql://", "postgres://")):
        return location
    parts = urlsplit(location)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = (user.split(":", 1)[0] + ":***" if ":" in user else user) + "@" + host
    query = urlencode([(k, "***" if k.lower() in SECRET_OPTIONS else v) for k, v in parse_qsl(parts.query)], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def redact_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """A message with every URL in it redacted and every known secret replaced by ***."""
    text = _URL_IN_TEXT.sub(lambda m: redact(m.group(0)), text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text
