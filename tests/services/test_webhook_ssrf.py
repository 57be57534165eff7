"""The SSRF guard: every resolved address is checked, IPv4 and IPv6, unless allow-listed."""

from __future__ import annotations

import ipaddress

import pytest

from services import webhooks
from services.webhooks import TargetRefused, address_refusal, check_target

REFUSED = [
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "0.0.0.0",
    "100.64.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.7",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "fec0::1",
    "::ffff:127.0.0.1",
    "::ffff:10.1.2.3",
    "::ffff:169.254.169.254",
    "2002:7f00:1::1",  # 6to4 wrapping 127.0.0.1
    "2002:a00:1::1",  # 6to4 wrapping 10.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "2001:db8::1",  # documentation
]
PUBLIC = [
    "93.184.215.14",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address):
    assert address_refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3:8080/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9000/hook",
        "https://[fe80::1]/",
        "http://localhost:8000/hook",  # a host name that resolves to loopback
        "http://2130706433/",  # 127.0.0.1 written as an integer
        "http://0x7f.1/",
    ],
)
def test_urls_reaching_inside_are_refused(url):
    with pytest.raises(TargetRefused):
        check_target(url, [])


def test_every_resolved_address_counts():
    """One private address among public ones is enough to refuse (DNS round robin tricks)."""

    def resolver(host, port):
        return ["93.184.215.14", "10.0.0.7"]

    with pytest.raises(TargetRefused, match=r"10\.0\.0\.7"):
        check_target("https://hooks.example.org/x", [], resolver=resolver)
    target = check_target(
        "https://hooks.example.org/x", [], resolver=lambda h, p: ["93.184.215.14"]
    )
    assert target.addresses == ("93.184.215.14",) and not target.allow_listed
    assert target.host == "hooks.example.org" and target.port == 443


def test_unresolvable_hosts_are_refused():
    def resolver(host, port):
        raise OSError("Name or service not known")

    with pytest.raises(TargetRefused, match="does not resolve"):
        check_target("https://nowhere.invalid/x", [], resolver=resolver)


def test_allow_listed_hosts_skip_the_address_check():
    assert check_target("http://127.0.0.1:8001/hook", ["127.0.0.1"]).allow_listed
    assert check_target("http://LOCALHOST:8001/hook", ["localhost"]).allow_listed
    assert check_target("http://[::1]:8001/hook", ["[::1]"]).allow_listed
    assert check_target("http://hooks.internal./x", ["hooks.internal"]).allow_listed
    # the list names hosts exactly: a sub-domain or another address is not included
    with pytest.raises(TargetRefused):
        check_target("http://127.0.0.2/hook", ["127.0.0.1"])


@pytest.mark.parametrize(
    "url",
    [
        "ftp://93.184.215.14/x",
        "file:///etc/passwd",
        "gopher://93.184.215.14/",
        "https://",
        "https://user:pw@93.184.215.14/x",
        "https://93.184.215.14/x#frag",
        "not a url",
        "https://93.184.215.14/" + "a" * 2000,
    ],
)
def test_malformed_or_unsafe_urls_are_refused(url):
    with pytest.raises(TargetRefused):
        check_target(url, [])


def test_idn_hosts_are_resolved_in_their_ascii_form():
    asked = []

    def resolver(host, port):
        asked.append(host)
        return ["93.184.215.14"]

    target = check_target("https://กระทรวงแรงงาน.example/hook", [], resolver=resolver)
    [host] = asked
    assert host.isascii() and host.startswith("xn--") and host.endswith(".example")
    assert target.host == host


def test_the_injected_resolver_is_what_the_guard_uses():
    guard = webhooks.AddressGuard(resolver=lambda host, port: ["192.168.0.10"])
    with pytest.raises(TargetRefused, match="private"):
        guard.check("https://printer.example.org/")


def test_the_system_resolver_is_the_default():
    assert webhooks.AddressGuard().resolver is webhooks.system_resolve
    assert webhooks.system_resolve("127.0.0.1", 80) == ["127.0.0.1"]


def test_refusals_are_worded_in_english_and_thai():
    """Each refusal is a message code with its parameters: the API answers it in the caller's
    language (domain/messages/webhooks.py)."""
    from domain.messages import render

    with pytest.raises(TargetRefused) as refused:
        check_target("https://hooks.example.org/x", [], resolver=lambda h, p: ["127.0.0.1"])
    err = refused.value
    assert err.code == "webhook_address_not_public"
    assert err.params["host"] == "hooks.example.org" and err.params["address"] == "127.0.0.1"
    assert "loopback" in str(err) and "SQS_WEBHOOK_ALLOW_HOSTS" in str(err)
    thai = render(err.code, "th", err.params)
    assert "127.0.0.1" in thai and "ที่อยู่วนกลับ" in thai and "ที่อยู่สาธารณะ" in thai
    for url, code in [
        ("ftp://93.184.215.14/x", "webhook_url_scheme"),
        ("https://user:pw@93.184.215.14/x", "webhook_url_credentials"),
        ("https://93.184.215.14/x#frag", "webhook_url_fragment"),
        ("https://93.184.215.14/" + "a" * 2000, "webhook_url_too_long"),
    ]:
        with pytest.raises(TargetRefused) as refused:
            check_target(url, [])
        assert refused.value.code == code
        assert render(code, "th", refused.value.params) != render(code, "en", refused.value.params)
