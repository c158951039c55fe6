"""Hostile inputs: what strangers type into URLs, query strings, forms and API calls.

Each entry is (name, value). Names are stable test ids; add freely, never rename (reports refer to them).
"""

LONG = 10_000

XSS = [
    ("script-tag", "<script>alert(1)</script>"),
    ("img-onerror", '<img src=x onerror="alert(1)">'),
    ("svg-onload", "<svg/onload=alert(1)>"),
    ("attr-breakout", '"><script>alert(1)</script>'),
    ("single-quote-breakout", "'><svg onload=alert(1)>"),
    ("javascript-url", "javascript:alert(1)"),
    ("data-url", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    ("template-injection", "{{ 7*7 }}{% debug %}${7*7}"),
    ("html-entity-smuggle", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("closing-tags", "</textarea></title></style></script><b>vet</b>"),
    ("iframe", '<iframe src="javascript:alert(1)"></iframe>'),
    ("style-expression", '<div style="background:url(javascript:alert(1))">x</div>'),
    ("mixed-case", "<ScRiPt>alert(1)</sCrIpT>"),
]

LONG_STRINGS = [
    ("10k-a", "a" * LONG),
    ("10k-lt", "<" * LONG),
    ("10k-multibyte", "ë" * LONG),
    ("10k-digits", "9" * LONG),
]

UNICODE = [
    ("rtl-override", "gepland\u202egnitseb\u202c"),
    ("zero-width", "ge\u200bpl\u200dand\ufeff"),
    ("nul-byte", "abc\x00def"),
    ("control-chars", "\x01\x02\x07\x1b[31mrood"),
    ("emoji-zwj", "👩‍👩‍👧‍👦🏳️‍🌈"),
    ("combining", "Z̴̧̛a̷l̵g̶o̸"),
    ("lone-surrogate-ish", "\udcff"),
    ("superscript-digits", "²³"),
    ("arabic-digits", "١٢٣"),
    ("fullwidth", "ＡＢＣ１２３"),
    ("newlines", "regel\r\nregel\nSet-Cookie: x=1"),
    ("bom", "\ufeff1"),
]

SQL = [
    ("sql-or", "' OR '1'='1"),
    ("sql-union", "1 UNION SELECT username, password FROM auth_user--"),
    ("sql-drop", "1; DROP TABLE pages_documentversion;--"),
    ("sql-comment", "1/**/OR/**/1=1"),
    ("sql-like", "%_%"),
]

EMAILS = [
    ("email-no-at", "jan.example.org"),
    ("email-double-at", "jan@@example.org"),
    ("email-spaces", "jan @example .org"),
    ("email-header-injection", "jan@example.org\r\nBcc: iedereen@example.org"),
    ("email-quoted", '"<script>"@example.org'),
    ("email-idn", "jan@exämple.org"),
    ("email-very-long", "a" * 300 + "@example.org"),
    ("email-unicode-local", "jän@example.org"),
]

TOKENS = [
    ("token-empty", ""),
    ("token-garbage", "abc:def:ghi"),
    ("token-truncated", "eyJpZCI6MX0:1tXyZ:truncat"),
    ("token-base64-junk", "////++++===="),
    ("token-path-traversal", "../../etc/passwd"),
    ("token-url-encoded", "%2e%2e%2f%00"),
    ("token-huge-number", "99999999999999999999999999"),
    ("token-negative", "-1"),
    ("token-zero", "0"),
]

# Integers a list's `limit`, `offset` or an id may be given: past 32 and 64 bits, negative, not quite integers.
INTEGERS = [
    ("int64-overflow", "9223372036854775808"),
    ("int64-max", "9223372036854775807"),
    ("int64-underflow", "-9223372036854775809"),
    ("int32-overflow", "2147483648"),
    ("uint64-overflow", "18446744073709551616"),
    ("int-30-digits", "9" * 30),
    ("int-float", "1.0"),
    ("int-exponent", "1e309"),
    ("int-plus", "+5"),
    ("int-leading-zeros", "00000000000000000001"),
    ("int-hex", "0x10"),
    ("int-underscore", "1_000"),
    ("int-nan", "NaN"),
    ("int-infinity", "-Infinity"),
]

CORPUS: list[tuple[str, str]] = [*XSS, *LONG_STRINGS, *UNICODE, *SQL, *EMAILS, *TOKENS, *INTEGERS]

# Values whose raw form must never come back in a page: anything that would be markup if not escaped.
MARKUP_CHARS = ("<", ">", '"')


def is_markup(value: str) -> bool:
    return any(char in value for char in MARKUP_CHARS)
