"""Two byte streams joined after a WebSocket handshake: what one side sends, the other
receives, unparsed. Frames, masks and close codes pass through untouched, so the two
ends speak WebSocket to each other and the proxy costs one read and one write per batch
of bytes, whatever the number of frames in it.
"""

from __future__ import annotations

import asyncio
import socket

from tornado.iostream import IOStream, StreamClosedError
from tornado.tcpclient import TCPClient


async def dial(socket_path: str | None, host: str, port: int | None, timeout: float) -> IOStream:
    """A stream to the service: its Unix domain socket, or TCP."""
    if socket_path:
        stream = IOStream(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        return await asyncio.wait_for(stream.connect(socket_path), timeout)
    assert port is not None
    stream = await asyncio.wait_for(TCPClient().connect(host, port), timeout)
    stream.set_nodelay(True)
    return stream


async def _pump(source: IOStream, target: IOStream, batch: int, stall_timeout: float) -> None:
    """Copies ``source`` to ``target`` until either ends. A batch is read only once the last
    one is written out, so a side that does not read stops the other's reading (TCP carries
    the backpressure to it) and at most ``batch`` bytes are held; a write that takes nothing
    for ``stall_timeout`` ends the splice."""
    while True:
        data = await source.read_bytes(batch, partial=True)
        written = target.write(data)
        if not written.done():
            done, _ = await asyncio.wait([written], timeout=stall_timeout)
            if not done:
                written.add_done_callback(_retrieve)
                raise TimeoutError("a side stopped reading")
        written.result()


def _retrieve(future: asyncio.Future) -> None:
    if not future.cancelled():
        future.exception()


async def splice(browser: IOStream, service: IOStream, batch: int, stall_timeout: float) -> None:
    """Joins the two streams until one closes or stalls; then closes both."""
    pumps = [
        asyncio.ensure_future(_pump(browser, service, batch, stall_timeout)),
        asyncio.ensure_future(_pump(service, browser, batch, stall_timeout)),
    ]
    try:
        await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
    finally:
        browser.close()
        service.close()
        for pump in pumps:
            pump.cancel()
        results = await asyncio.gather(*pumps, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(
                result, (StreamClosedError, TimeoutError, asyncio.CancelledError)
            ):
                raise result
