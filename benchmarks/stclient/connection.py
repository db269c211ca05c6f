"""The handshake a browser tab makes before its first rerun, and the websocket it opens.

Streamlit 1.67's frontend GETs /_stcore/health (which sets the `_streamlit_xsrf` cookie) and
/_stcore/host-config, then opens ws://…/_stcore/stream with the subprotocols
["streamlit", <xsrf token>], the cookie and a same-origin Origin header, and no client pings.
"""

from __future__ import annotations

import asyncio

from websockets.asyncio.client import ClientConnection, connect

from benchmarks.stclient.errors import ProtocolError


async def http_get(host: str, port: int, path: str, cookie: str = "") -> tuple[int, dict]:
    """A minimal HTTP/1.1 GET (loopback only): status and the Set-Cookie values by name."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        if cookie:
            request += f"Cookie: {cookie}\r\n"
        writer.write((request + "\r\n").encode())
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    cookies = {}
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            cookies[key] = rest.split(";", 1)[0]
    return status, cookies


async def open_stream(host: str, port: int, timeout: float) -> ClientConnection:
    """The session's websocket, opened after the same HTTP requests a browser makes first."""
    status, cookies = await http_get(host, port, "/_stcore/health")
    if status != 200:
        raise ProtocolError(f"health check answered {status}")
    await http_get(host, port, "/_stcore/host-config")
    xsrf = cookies.get("_streamlit_xsrf", "")
    return await connect(
        f"ws://{host}:{port}/_stcore/stream",
        subprotocols=["streamlit", xsrf or "PLACEHOLDER_AUTH_TOKEN"],
        additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"} if xsrf else None,
        origin=f"http://{host}:{port}",
        ping_interval=None,  # browsers do not ping; the server's pings are answered
        max_size=None,
        open_timeout=timeout,
        close_timeout=2,
    )
