"""Which network addresses a fetch may connect to (used by :mod:`marsad.ingest.fetch`).

A feed or a feed item's link is chosen by whoever publishes the feed, so a fetch must not become a way into
the user's machine or network: loopback (127.0.0.0/8, ::1), private networks (10/8, 172.16/12, 192.168/16,
100.64/10, fc00::/7 and other non-global ranges) are refused unless ``Settings.allow_private_networks`` is on
(tests with local servers, intranet feeds). Link-local (169.254/16 with the cloud metadata service at
169.254.169.254, fe80::/10), multicast, unspecified and reserved addresses are refused always: no feed lives there.
IPv6 forms that carry an IPv4 address (::ffff:a.b.c.d, 6to4, Teredo, NAT64) are judged by that address.
"""

from __future__ import annotations

import ipaddress

# 64:ff9b::/96 (RFC 6052): an IPv6-only network reaches IPv4 host a.b.c.d at 64:ff9b::a.b.c.d.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

LOOPBACK = "a loopback address"
PRIVATE = "a private-network address"


def refusal(address: str, *, allow_private: bool) -> str | None:
    """Why a connection to ``address`` (an IP literal) is refused, e.g. "a loopback address"; None when allowed."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address"
    inner = _embedded_ipv4(ip)
    if inner is not None:
        return refusal(str(inner), allow_private=allow_private)
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_loopback:
        return None if allow_private else LOOPBACK
    if ip.is_reserved:
        return "a reserved address"
    if not ip.is_global:
        return None if allow_private else PRIVATE
    return None


def allowed_with_private(reason: str | None) -> bool:
    """True when ``reason`` would go away with ``allow_private_networks`` on (so a message can say so)."""
    return reason in (LOOPBACK, PRIVATE)


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # (server, client): the client is where traffic ends up
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None
