"""The address guard (SSRF): which hosts and addresses a webhook may call.

A target must not reach the service's own network. Every address the host name resolves to is
checked (private, loopback, link-local, multicast, reserved, unspecified, and IPv6 forms that
embed such an IPv4 address) at registration *and* before each delivery, because DNS answers can
change after registration. The delivery then connects to the very address that was checked
(``services.webhooks.delivery``), so a second, different DNS answer between check and connect
("DNS rebinding") cannot redirect it. Hosts named in ``SQS_WEBHOOK_ALLOW_HOSTS`` skip the
address check (an intranet receiver).

The resolver is a dependency of the guard (:class:`AddressGuard`), given by whoever builds it:
the system's resolver in the service, a table of answers in the tests.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from domain.messages import render
from domain.messages.webhooks import ADDRESS_CLASSES_TH

Resolver = Callable[[str, int], Iterable[str]]
MAX_URL_LENGTH = 2000


class TargetRefused(Exception):
    """The URL may not be called: a message ``code`` and its ``params``, worded in English and
    Thai by ``domain.messages`` (``str()`` is the English sentence, kept in a delivery's log)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(render(code, "en", params) or code)


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    host: str
    """The ASCII (IDNA) host name, lower case, without IPv6 brackets."""
    port: int
    addresses: tuple[str, ...]
    """Checked addresses, in resolver order; empty for an allow-listed host (not resolved)."""
    allow_listed: bool


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_ADDRESS_CLASSES = (
    ("is_unspecified", "unspecified"),
    ("is_loopback", "loopback"),
    ("is_link_local", "link-local"),
    ("is_multicast", "multicast"),
    ("is_private", "private"),
    ("is_reserved", "reserved"),
    ("is_site_local", "site-local"),
)
NOT_GLOBAL = "not globally routable"


def address_refusal(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why this address is off limits (None: a public address).

    IPv6 addresses that carry an IPv4 address (``::ffff:127.0.0.1``, 6to4, Teredo, NAT64) are
    judged by the IPv4 address too: on Python 3.11 ``ipaddress`` does not look inside them.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4-mapped or NAT64 address *is* its IPv4 address on the wire: judge that one.
        target = ip.ipv4_mapped
        if target is None and ip in _NAT64:
            target = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if target is not None:
            why = address_refusal(target)
            return None if why is None else f"{why} (as {ip})"
        # 6to4 and Teredo are global prefixes that tunnel to an IPv4 address: check it too.
        embedded = [v4 for v4 in (ip.sixtofour, *(ip.teredo or ())) if v4 is not None]
        for v4 in embedded:
            why = address_refusal(v4)
            if why is not None:
                return f"{why} (embedded in {ip})"
    for attribute, label in _ADDRESS_CLASSES:
        if getattr(ip, attribute, False):
            return label
    if not ip.is_global:
        return NOT_GLOBAL
    return None


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in out:
            out.append(address)
    return out


def normalise_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


def parse_url(raw: str) -> tuple[httpx.URL, str, int]:
    """(URL, ASCII host, port) of an acceptable webhook URL, or :class:`TargetRefused`."""
    if len(raw) > MAX_URL_LENGTH:
        raise TargetRefused("webhook_url_too_long", max_length=MAX_URL_LENGTH)
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, ValueError) as exc:
        raise TargetRefused("webhook_url_invalid") from exc
    if url.scheme not in ("http", "https"):
        raise TargetRefused("webhook_url_scheme")
    if not url.host:
        raise TargetRefused("webhook_url_no_host")
    if url.userinfo:
        raise TargetRefused("webhook_url_credentials")
    if url.fragment:
        raise TargetRefused("webhook_url_fragment")
    host = normalise_host(url.raw_host.decode("ascii"))
    port = url.port or (443 if url.scheme == "https" else 80)
    return url, host, port


def _not_public(host: str, address: str, why: str) -> TargetRefused:
    label = why.split(" (", 1)[0]
    return TargetRefused(
        "webhook_address_not_public",
        host=host,
        address=address,
        address_class=why,
        address_class_th=ADDRESS_CLASSES_TH.get(label, why),
    )


def check_target(
    raw: str, allow_hosts: Iterable[str], *, resolver: Resolver = system_resolve
) -> Target:
    """Parse the URL and check every address its host resolves to; :class:`TargetRefused`."""
    url, host, port = parse_url(raw)
    if host in {normalise_host(h) for h in allow_hosts}:
        return Target(url, host, port, (), True)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = list(resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise TargetRefused("webhook_host_unresolved", host=host) from exc
        if not addresses:
            raise TargetRefused("webhook_host_unresolved", host=host)
    for address in addresses:
        why = address_refusal(ipaddress.ip_address(address))
        if why is not None:
            raise _not_public(host, address, why)
    return Target(url, host, port, tuple(addresses), False)


@dataclass(frozen=True)
class AddressGuard:
    """The hosts a webhook may call: the allow-list, and every other host's addresses checked
    with ``resolver`` (injected: the system's in the service, a stand-in in tests)."""

    allow_hosts: tuple[str, ...] = ()
    resolver: Resolver = system_resolve

    def check(self, raw: str) -> Target:
        """The target of ``raw`` if it may be called; :class:`TargetRefused` otherwise."""
        return check_target(raw, self.allow_hosts, resolver=self.resolver)
