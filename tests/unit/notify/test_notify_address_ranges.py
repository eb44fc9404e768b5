"""Which addresses notify may connect to (pure: no resolver, no socket)."""

from __future__ import annotations

import pytest

from notify.outbound import Allow, refusal

REFUSED = [
    "0.0.0.0",
    "0.1.2.3",
    "10.0.0.1",
    "100.64.0.1",
    "100.100.100.200",  # a cloud metadata address in the shared address space
    "100.127.255.254",
    "127.0.0.1",
    "127.8.9.10",
    "169.254.169.254",
    "172.16.0.1",
    "172.31.255.255",
    "192.0.0.8",
    "192.0.0.170",
    "192.0.2.1",
    "192.88.99.1",
    "192.168.1.1",
    "198.18.0.1",
    "198.19.255.255",
    "198.51.100.7",
    "203.0.113.9",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "::127.0.0.1",  # IPv4-compatible
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:100.64.0.1",
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::1",
    "100::1",
    "2001::1",  # Teredo
    "2001:db8::1",
    "2002::1",
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:808:808::1",  # 6to4, even of a public address
    "3fff::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fec0::1",
    "ff02::1",
]
ALLOWED = [
    "8.8.8.8",
    "1.1.1.1",
    "100.63.255.255",
    "100.128.0.1",
    "172.32.0.1",
    "192.0.1.1",
    "198.20.0.1",
    "223.255.255.255",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8
    "2400:3200::1",
    "2606:4700:4700::1111",
]


@pytest.mark.parametrize("address", REFUSED)
def test_special_use_addresses_are_refused(address: str) -> None:
    assert refusal(address) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_are_allowed(address: str) -> None:
    assert refusal(address) is None


def test_the_reason_names_the_range_and_the_embedded_address() -> None:
    assert "shared address space" in (refusal("100.100.100.200") or "")
    assert refusal("::ffff:169.254.169.254") == "IPv4-mapped 169.254.169.254: " + (
        refusal("169.254.169.254") or ""
    )
    assert (refusal("64:ff9b::a00:1") or "").startswith("NAT64 10.0.0.1: private")
    assert refusal("2002::1") == "6to4"


def test_the_allow_list_takes_names_addresses_and_networks() -> None:
    allow = Allow.parse(" Localhost , 127.0.0.1, 10.8.0.0/16, [::1] ,,")
    assert allow.permits("localhost", "127.0.0.1")
    assert allow.permits("LOCALHOST.", "::1")
    assert allow.permits("peer", "127.0.0.1")
    assert allow.permits("peer", "::1")
    assert allow.permits("peer", "10.8.3.4")
    assert not allow.permits("peer", "127.0.0.2")
    assert not allow.permits("peer", "10.9.0.1")
    assert not allow.permits("peer", "100.64.0.1")
    assert not Allow.parse("").permits("localhost", "127.0.0.1")
