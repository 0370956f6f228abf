"""URL normalisation, so that one page reached by several addresses is one document."""

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; they never change the page.
_TRACKING_PREFIXES = ("utm_",)
_TRACKING_NAMES = {"fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid", "ref", "ref_src", "smid"}
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalise_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, no tracking parameters.

    The path keeps its case (servers treat it as case-sensitive) and is
    re-quoted so that the same path written two ways compares equal.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    netloc = host
    if parts.port and parts.port != _DEFAULT_PORTS.get(scheme):
        netloc = f"{host}:{parts.port}"
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~%") or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING_PREFIXES) and key.lower() not in _TRACKING_NAMES
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))
