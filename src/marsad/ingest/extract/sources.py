"""One outlet, one key: outlet names, codes and URLs normalised to the same source key; canonical URLs.

A URL's outlet is its registered domain without "www" (``www.alarabiya.net`` → ``alarabiya.net``). Records name
outlets in many ways (ANT's ``src`` "alarabia", the byline "العربية.نت", the dateline "سكاي نيوز عربية"); the
aliases below map the ones we know to the outlet's domain, and any other name to its cleaned, normalised form.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from marsad.text.normalize import normalize

LOGGER = logging.getLogger(__name__)

# Known outlets: key (registered domain) → display name and the other names records use for it.
OUTLETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "alarabiya.net": ("العربية", ("alarabia", "alarabiya", "al arabiya", "العربية", "العربية.نت", "العربية نت", "قناة العربية")),
    "skynewsarabia.com": ("سكاي نيوز عربية", ("skynews", "sky news arabia", "skynewsarabia", "سكاي نيوز عربية", "سكاي نيوز")),
    "france24.com": ("فرانس 24", ("france24", "france 24", "فرانس 24", "فرانس24")),
    "bbc.co.uk": ("BBC عربي", ("bbc", "bbc arabic", "bbc عربي", "بي بي سي", "بي بي سي عربي", "bbc.com")),
    "cnn.com": ("CNN بالعربية", ("cnn", "cnn arabic", "cnn بالعربية", "سي ان ان", "سي إن إن")),
    "jawharafm.net": ("Jawhara FM", ("jawhara fm", "jawharafm", "جوهرة أف أم", "جوهرة اف ام")),
    "reuters.com": ("Reuters", ("reuters", "reuter", "رويترز")),
    "aljazeera.net": ("الجزيرة", ("aljazeera", "al jazeera", "الجزيرة", "الجزيرة نت", "الجزيرة.نت")),
    "aawsat.com": ("الشرق الأوسط", ("asharq al-awsat", "asharq alawsat", "الشرق الأوسط")),
    "alhurra.com": ("الحرة", ("alhurra", "al hurra", "الحرة", "قناة الحرة")),
    "rt.com": ("RT Arabic", ("rt", "rt arabic", "روسيا اليوم", "آر تي")),
    "independentarabia.com": ("اندبندنت عربية", ("independent arabia", "اندبندنت عربية", "إندبندنت عربية")),
    "shafaq.com": ("شفق نيوز", ("shafaq news", "shafaq", "شفق نيوز")),
    "rudaw.net": ("روداو", ("rudaw", "روداو")),
    "alsumaria.tv": ("السومرية", ("alsumaria", "السومرية", "السومرية نيوز")),
    "ina.iq": ("واع", ("ina", "iraqi news agency", "وكالة الأنباء العراقية", "واع")),
    "sana.sy": ("سانا", ("sana", "syrian arab news agency", "سانا", "وكالة سانا")),
    # Wire agencies: named in bylines ("لندن - رويترز"), where they become the author, not the outlet.
    "afp.com": ("AFP", ("afp", "agence france-presse", "فرانس برس", "أ ف ب", "ا ف ب")),
    "apnews.com": ("AP", ("ap", "associated press", "أسوشيتد برس", "اسوشيتد برس")),
    "dpa.com": ("dpa", ("dpa", "د ب أ", "د.ب.أ")),
    "aa.com.tr": ("الأناضول", ("anadolu", "anadolu agency", "الأناضول", "وكالة الأناضول")),
    "spa.gov.sa": ("واس", ("spa", "saudi press agency", "واس")),
    "wam.ae": ("وام", ("wam", "emirates news agency", "وام")),
}
_ALIASES: dict[str, str] = {normalize(alias): key for key, (_, aliases) in OUTLETS.items() for alias in (key, *aliases)}
DISPLAY_NAMES = {key: name for key, (name, _) in OUTLETS.items()}

# Query parameters that identify a campaign or a click, not a document: dropped from canonical URLs.
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "ocid", "cmpid",
     "ref_src", "ref_url", "utm"}
)
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left unescaped in canonical query values (RFC 3986 unreserved and some sub-delims).
_SAFE_QUERY = "/:@!$'()*+,;-._~"
# Punctuation trimmed from the edges of a name. str.strip, not a regex: "[…]+$" tried at every position of a long
# run of these characters inside a line is quadratic (100,000 "[" held a text file's ingest for over a minute).
_EDGE_PUNCT = " \"'«»()[]–—ـ:|,.-"


@lru_cache(maxsize=4096)
def source_key(name: str) -> str:
    """The outlet key for a name, code or domain as written in a record ("alarabia" → "alarabiya.net")."""
    cleaned = clean_name(name)
    if not cleaned:
        return ""
    norm = normalize(cleaned)
    if norm in _ALIASES:
        return _ALIASES[norm]
    if "://" in cleaned or re.fullmatch(r"(?:www\.)?[\w-]+(?:\.[\w-]+)+", cleaned, re.ASCII):
        domain = domain_of(cleaned if "://" in cleaned else f"http://{cleaned}")
        return _ALIASES.get(domain, domain)
    return norm


def is_known_outlet(name: str) -> bool:
    """Whether ``name`` is one of the names of a known outlet (see :data:`OUTLETS`)."""
    return normalize(clean_name(name)) in _ALIASES


def display_name(key: str, found: str = "") -> str:
    """The outlet's display name: our registered one for known outlets, else the cleaned name as found."""
    return DISPLAY_NAMES.get(key) or clean_name(found) or key


def source_from_url(url: str) -> str:
    """The outlet key of a URL: its registered domain without "www" ("" for a non-web URL)."""
    domain = domain_of(url)
    return _ALIASES.get(domain, domain)


def clean_name(name: str) -> str:
    """An outlet or place name without edge punctuation, tatweel runs or doubled spaces."""
    text = unicodedata.normalize("NFKC", str(name or "")).replace("\u0640", "")
    return " ".join(text.split()).strip(_EDGE_PUNCT)


def domain_of(url: str) -> str:
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return _registered_domain(host) if host else ""


@lru_cache(maxsize=4096)
def _registered_domain(host: str) -> str:
    if re.fullmatch(r"[\d.]+|\[?[0-9a-f:]+\]?", host) or "." not in host:
        return host  # an IP address or a bare host name (localhost) is its own key
    from tld import get_fld  # lazy: loads the public-suffix list once

    domain = get_fld(host, fix_protocol=True, fail_silently=True)
    return domain or host.removeprefix("www.")


def canonical_url(url: str) -> str:
    """Normalised URL for identity: lowercase scheme and host, no default port, fragment, tracking parameters
    or trailing slash; the path in readable IRI form (so an Arabic path and its percent-escaped form agree)."""
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower().rstrip(".")
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _iri_path(parts.path).rstrip("/")
    query = parts.query
    if query:
        pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)]
        query = urlencode(pairs, quote_via=lambda s, *_: quote(s, safe=_SAFE_QUERY))
    return urlunsplit((scheme, netloc, path, query, ""))


def _iri_path(path: str) -> str:
    """The path as readable text (percent-escapes decoded, so "/ar/بغداد" and "/ar/%D8%A8..." agree), with the
    few characters that would change the URL's structure escaped again."""
    if "%" in path:
        decoded = unquote(path)
        path = decoded if "\ufffd" not in decoded else path  # undecodable escapes (latin-1 URLs) stay as they were
    return path.replace(" ", "%20").replace("?", "%3F").replace("#", "%23")


def _is_tracking(param: str) -> bool:
    name = param.lower()
    return name in TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES)
