#!/usr/bin/env python3
"""Plain-HTTP front for the admin API of an emulator that serves HTTPS (C tests and soak only).

The library under test talks TLS to `cognito-native emulate --tls` itself. The tests' own admin
client (tests/c/test_util.c emu_request: /__emulator/reset, /faults, /stats, /tokens, ...) is a
few lines of plain HTTP/1.1 with `Connection: close`, and is kept free of a TLS stack of its own
(it would be one more TLS implementation under ASan and valgrind). This relay listens on
127.0.0.1 (a free port), and for each connection opens a TLS connection to the emulator,
verifying its certificate against the test CA, then copies bytes both ways until the emulator
closes. Started and stopped by scripts/c-common.sh (start_emulator https).

Prints one line, {"url":"http://127.0.0.1:PORT"}, once listening. Exits when --parent's process is
gone (checked every second), on SIGTERM, or on SIGINT. Every connection is bounded in time.

  emulator-admin-relay.py --upstream 127.0.0.1:PORT --ca FILE [--parent PID]
"""

import argparse
import asyncio
import json
import os
import signal
import ssl

CONNECTION_TIMEOUT_SECS = 60


async def copy(reader, writer):
    """Copies until EOF (or an error: the other side went away); then closes `writer`."""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    finally:
        writer.close()


async def relay(client_reader, client_writer, host, port, context):
    try:
        up_reader, up_writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=context, server_hostname=host), 10
        )
    except (OSError, ssl.SSLError, asyncio.TimeoutError) as e:
        print(f"emulator-admin-relay: cannot reach https://{host}:{port}: {e}", flush=True)
        client_writer.close()
        return
    # The admin client sends one request and reads until the emulator closes (Connection: close):
    # the connection ends with the emulator's answer.
    up = asyncio.ensure_future(copy(client_reader, up_writer))
    down = asyncio.ensure_future(copy(up_reader, client_writer))
    try:
        await asyncio.wait_for(down, CONNECTION_TIMEOUT_SECS)
    except asyncio.TimeoutError:
        client_writer.close()
    up.cancel()
    up_writer.close()


async def watch_parent(pid, stop):
    while not stop.is_set():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            stop.set()
            return
        except PermissionError:
            pass
        try:
            await asyncio.wait_for(stop.wait(), 1)
        except asyncio.TimeoutError:
            pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="HOST:PORT of the HTTPS emulator")
    parser.add_argument("--ca", required=True, help="the emulator's test CA (PEM)")
    parser.add_argument("--parent", type=int, help="exit once this process is gone")
    args = parser.parse_args()
    host, _, port = args.upstream.rpartition(":")
    context = ssl.create_default_context(cafile=args.ca)  # verifies chain and host name

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = await asyncio.start_server(
        lambda r, w: relay(r, w, host, int(port), context), "127.0.0.1", 0
    )
    listen_port = server.sockets[0].getsockname()[1]
    print(json.dumps({"url": f"http://127.0.0.1:{listen_port}"}, separators=(",", ":")), flush=True)
    watcher = asyncio.ensure_future(watch_parent(args.parent, stop)) if args.parent else None
    await stop.wait()
    server.close()  # open connections end with the process
    if watcher:
        watcher.cancel()


if __name__ == "__main__":
    asyncio.run(main())
