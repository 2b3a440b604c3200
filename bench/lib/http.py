"""A raw HTTP/1.1 load client over asyncio streams, sending requests as nginx passes them on.

HTTPS is terminated in front (X-Forwarded-Proto: https), the client's address is in
X-Forwarded-For, and there is one connection per request (gunicorn's sync worker closes each).
Cookies are kept from Set-Cookie whatever their Secure flag.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlencode

REQUEST_TIMEOUT = 120.0
USER_AGENT = "Mozilla/5.0 (Linux; Android 13; bench) load_signing/1.0"
CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k == name), "")


class Http:
    def __init__(self, port: int) -> None:
        self.port = port
        self.host = f"127.0.0.1:{port}"
        self.origin = f"https://{self.host}"

    async def request(self, cookies: dict[str, str] | None, ip: str, method: str, path: str,
                      form: dict[str, str] | None = None) -> tuple[float, Reply]:  # fmt: skip
        """(seconds, reply) of one request from `ip`; `cookies` (a jar, or None for none) is
        sent and updated from the reply. A form is POSTed with the Origin and Referer of a
        browser on the site."""
        body = urlencode(form).encode() if form is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"User-Agent: {USER_AGENT}",
            "Accept: text/html,application/xhtml+xml", "Accept-Language: id-ID,id;q=0.9",
            f"X-Forwarded-For: {ip}", "X-Forwarded-Proto: https", "Connection: close",
        ]  # fmt: skip
        if cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        if form is not None:
            lines += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(body)}",
                f"Origin: {self.origin}",
                f"Referer: {self.origin}{path}",
            ]
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        start = time.perf_counter()
        reply = await asyncio.wait_for(self._exchange(raw), REQUEST_TIMEOUT)
        elapsed = time.perf_counter() - start
        if cookies is not None:
            store_cookies(cookies, reply)
        return elapsed, reply

    async def _exchange(self, raw: bytes) -> Reply:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        try:
            writer.write(raw)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status_line, *header_lines = head.decode("latin-1").split("\r\n")
            status = int(status_line.split(" ", 2)[1])
            headers = []
            for line in header_lines:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers.append((name.strip().lower(), value.strip()))
            values = dict(headers)
            if "content-length" in values:
                body = await reader.readexactly(int(values["content-length"]))
            elif "chunked" in values.get("transfer-encoding", ""):
                body = await read_chunked(reader)
            else:
                body = await reader.read()
            return Reply(status, headers, body)
        finally:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts = []
    while True:
        size = int((await reader.readline()).split(b";")[0].strip(), 16)
        if size == 0:
            await reader.readline()
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readline()


def store_cookies(cookies: dict[str, str], reply: Reply) -> None:
    """Keep what Set-Cookie says, whatever its Secure flag (TLS is the proxy's)."""
    for name, value in reply.headers:
        if name != "set-cookie":
            continue
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(value)
        except CookieError:
            continue
        for key, morsel in jar.items():
            if morsel["max-age"] == "0" or (not morsel.value and morsel["expires"]):
                cookies.pop(key, None)
            else:
                cookies[key] = morsel.coded_value


def csrf_token(body: bytes) -> str:
    found = CSRF_RE.search(body)
    if not found:
        raise ValueError("no csrfmiddlewaretoken in the form")
    return found.group(1).decode()
