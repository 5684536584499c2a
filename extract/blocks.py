"""Recognising a portal that is refusing us: challenge pages, captchas, rate-limit answers.

A blocked answer is archived, reported and never worked around (architecture.md,
"Sources"). `detect_block` only names the kind of block; the HTTP client decides
what to do with it. Markers come from portals.md §1.6, §4.3, §5 and §6.3.

Text markers that also occur on ordinary pages (a "验证码" link in a login box,
a Geetest script behind a search form) count only on a page with little visible
text, which is what challenge and captcha pages look like; the unmistakable
ones ("WEB 应用防火墙", "请完成安全验证") count on any page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import NamedTuple

JS_CHALLENGE = "js_challenge"  # HTTP 521, or a 加速乐-style cookie-setting reload script
WAF = "waf"  # a web application firewall's challenge page ("WEB 应用防火墙", __jsluid)
CAPTCHA = "captcha"  # Geetest or any other captcha / "安全验证" page
RATE_LIMITED = "rate_limited"  # JSON answer "访问过于频繁"
HTTP_401 = "http_401"
HTTP_403 = "http_403"
HTTP_429 = "http_429"  # set by the client when 429 persists after its retries

# A challenge page shows a sentence or two; a real page has far more text than this.
_THIN_PAGE_CHARS = 600
_SCAN_CHARS = 65536  # challenge markers sit near the top; don't scan megabytes

_WAF_STRONG = re.compile(r"WEB\s*应用防火墙|Web\s*Application\s*Firewall", re.I)
_JSLUID = re.compile(r"__jsluid", re.I)
_COOKIE_RELOAD = re.compile(
    r"document\.cookie\s*=.{0,2000}?(location\.(reload|href|replace)|window\.location)", re.I | re.S
)
_CAPTCHA_STRONG = "请完成安全验证"
# Geetest also sits behind search boxes on pages that are otherwise fine (qybz's homepage, portals.md §5).
_CAPTCHA_WEAK = re.compile(r"geetest|gt\.js|验证码|安全验证|captcha", re.I)


class _Marker(NamedTuple):
    """A case-insensitive marker and the pieces one of which every match of it holds: CJK ones in the
    text, ASCII ones in its UTF-8 bytes with A-Z folded to a-z (what IGNORECASE does to them). No
    piece holds i, s or k: IGNORECASE also matches ı/İ, ſ and the Kelvin sign to those, which ASCII
    folding does not. The regexes cost ~0.1 ms each on a 20 KB page of CJK text, a piece ~10 µs."""

    pattern: re.Pattern
    reason: str
    in_text: tuple[str, ...]
    in_folded: tuple[bytes, ...]

    def may_match(self, text: str, folded: bytes) -> bool:
        return any(piece in text for piece in self.in_text) or any(piece in folded for piece in self.in_folded)


_WAF_MARKER = _Marker(_WAF_STRONG, WAF, ("应用防火墙",), (b"rewall",))
# Checked on a thin page only, in this order.
_WEAK = (
    _Marker(_COOKIE_RELOAD, JS_CHALLENGE, (), (b"document.coo",)),
    _Marker(_JSLUID, WAF, (), (b"__j",)),
    _Marker(_CAPTCHA_WEAK, CAPTCHA, ("验证码", "安全验证"), (b"geete", b"gt.j", b"captcha")),
)

_TOO_FREQUENT = "访问过于频繁"

_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


def detect_block(status: int, headers: Mapping[str, str], text: str) -> str | None:
    """The block reason for this answer, or None when it is an ordinary response."""
    if status == 521:
        return JS_CHALLENGE
    head = text[:_SCAN_CHARS]
    if _looks_like_json(headers, head):
        reason = _json_block(text)
        if reason:
            return reason
    else:
        reason = _html_block(head)
        if reason:
            return reason
    if status == 401:
        return HTTP_401
    if status == 403:
        return HTTP_403
    return None


def _html_block(text: str) -> str | None:
    folded = text.encode("utf-8", "replace").lower()  # ASCII letters folded, as IGNORECASE folds them
    if _WAF_MARKER.may_match(text, folded) and _WAF_MARKER.pattern.search(text):
        return WAF
    if _CAPTCHA_STRONG in text:
        return CAPTCHA
    weak = [marker for marker in _WEAK if marker.may_match(text, folded)]
    if not weak or not _is_thin(text):  # the thin test costs as much as a regex: only when it can matter
        return None
    return next((marker.reason for marker in weak if marker.pattern.search(text)), None)


def _json_block(text: str) -> str | None:
    if _TOO_FREQUENT not in text:
        return None
    try:
        payload = json.loads(text)
    except ValueError:
        return RATE_LIMITED  # a JSON-ish answer saying so, even if malformed
    if isinstance(payload, dict):
        for key in ("message", "msg"):
            value = payload.get(key)
            if isinstance(value, str) and _TOO_FREQUENT in value:
                return RATE_LIMITED
    return None


def _looks_like_json(headers: Mapping[str, str], text: str) -> bool:
    content_type = (_get(headers, "content-type") or "").lower()
    return "json" in content_type or text.lstrip()[:1] in ("{", "[")


def _is_thin(html: str) -> bool:
    outside_tags = _TAG.sub(" ", _SCRIPT_STYLE.sub(" ", html))
    return sum(map(len, outside_tags.split())) < _THIN_PAGE_CHARS  # str.split() splits where \s matches


def _get(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = headers.get(name.title())
    return value
