"""Where notify may connect: one check, at connect time, of the address a host resolved to, for
webhooks, robots, the SMS gateway and SMTP servers. The host is resolved once; every address it
resolves to must be public (RFC 6890's special-use registries, with IPv4 embedded in IPv6
checked as IPv4), and the connection goes to exactly that checked address, so a DNS answer that
changes between check and connect (rebinding) cannot slip through. TLS still names the host
(SNI and certificate checks) and HTTP still sends its Host header. Hosts or networks given in
NOTIFY_WEBHOOK_ALLOW_HOSTS (the tests' and the demo's local peers) are let through."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import typing
from dataclasses import dataclass, field

import httpcore
import httpx

IP = ipaddress.IPv4Address | ipaddress.IPv6Address
Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def _nets(*pairs: tuple[str, str]) -> tuple[tuple[Net, str], ...]:
    return tuple((ipaddress.ip_network(n), why) for n, why in pairs)


# RFC 6890 and its updates (IANA's IPv4 and IPv6 special-purpose address registries), plus
# multicast and the reserved ranges.
SPECIAL_V4 = _nets(
    ("0.0.0.0/8", "this network"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space (carrier-grade NAT; cloud metadata)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local (cloud metadata)"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.31.196.0/24", "AS112"),
    ("192.52.193.0/24", "AMT"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("192.175.48.0/24", "AS112"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
)
SPECIAL_V6 = _nets(
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "IPv4-compatible (deprecated)"),
    ("64:ff9b:1::/48", "local-use NAT64"),
    ("100::/64", "discard-only"),
    ("2001::/23", "IETF protocol assignments (Teredo, ORCHID, ...)"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "SRv6 SIDs"),
    ("fc00::/7", "unique local (private)"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
)
MAPPED = ipaddress.ip_network("::ffff:0:0/96")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def refusal(address: str | IP) -> str | None:
    """Why `address` may not be connected to (a special-use range), or None when it is a
    public address."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in MAPPED or ip in NAT64:
            inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            why = refusal(inner)
            kind = "IPv4-mapped" if ip in MAPPED else "NAT64"
            return f"{kind} {inner}: {why}" if why else None
        table = SPECIAL_V6
    else:
        table = SPECIAL_V4
    for net, why in table:
        if ip in net:
            return why
    if not ip.is_global:  # anything the standard library knows that the tables do not
        return "not globally reachable"
    return None


class Refused(Exception):
    """A connection notify will not make (the host resolves to an internal address)."""


@dataclass(frozen=True)
class Allow:
    """Host names, addresses and networks that may be reached although they are internal."""

    hosts: frozenset[str] = frozenset()
    nets: tuple[Net, ...] = field(default=())

    @classmethod
    def parse(cls, text: str) -> Allow:
        hosts, nets = set(), []
        for entry in (e.strip().lower() for e in text.split(",")):
            if not entry:
                continue
            try:
                nets.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry)
        return cls(frozenset(hosts), tuple(nets))

    def permits(self, host: str, address: str) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        ip = ipaddress.ip_address(address)
        return any(ip.version == n.version and ip in n for n in self.nets)


async def resolve(host: str, port: int, allow: Allow, timeout_s: float) -> list[str]:
    """The addresses to connect to for `host` (resolved once, each one checked); raises
    Refused when any of them is internal and not allowed, OSError when the name does not
    resolve (now), TimeoutError past `timeout_s`."""
    host = host.strip("[]")
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout_s):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:
        raise Refused(f"host {host!r} is not a valid name: {exc}") from exc
    addresses = list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))
    for address in addresses:
        why = refusal(address)
        if why and not allow.permits(host, address):
            raise Refused(
                f"host {host!r} resolves to the internal address {address} ({why}); internal,"
                " private and loopback addresses are refused (NOTIFY_WEBHOOK_ALLOW_HOSTS allows"
                " hosts and networks)"
            )
    if not addresses:
        raise OSError(f"host {host!r} does not resolve")
    return addresses


async def open_socket(addresses: list[str], port: int, timeout_s: float) -> socket.socket:
    """A TCP socket connected to the first of `addresses` that answers within `timeout_s`."""
    loop = asyncio.get_running_loop()
    last: OSError | None = None
    async with asyncio.timeout(timeout_s):
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.setblocking(False)
            try:
                await loop.sock_connect(sock, (address, port))
                return sock
            except OSError as exc:
                sock.close()
                last = exc
            except BaseException:
                sock.close()
                raise
    raise last or OSError(f"no address to connect to on port {port}")


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to checked addresses."""

    def __init__(self, allow: Allow) -> None:
        self.allow = allow
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        limit = timeout if timeout is not None else 30.0
        try:
            addresses = await resolve(host, port, self.allow, limit)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host!r} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(f"host {host!r} does not resolve: {exc}") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Refused("unix sockets are not used for outbound calls")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


class CheckedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over the checked backend (no proxies from the environment)."""

    def __init__(self, allow: Allow, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=CheckedBackend(allow),
        )


def client(allow: Allow, timeout_s: float, connect_timeout_s: float) -> httpx.AsyncClient:
    """An HTTP client for channel sends: checked connections, no redirects, deadlines."""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=50)
    return httpx.AsyncClient(
        transport=CheckedTransport(allow, limits),
        timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
        follow_redirects=False,
        trust_env=False,
    )
