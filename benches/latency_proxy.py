#!/usr/bin/env python3
"""A userspace TCP proxy on 127.0.0.1 that adds latency: a stand-in for `tc qdisc ... netem`,
which these machines' kernel does not have.

Every chunk read from one side is written to the other side half a round trip (RTT / 2) after the
moment it was read, so a request and its answer cost one RTT. Chunks keep their order per
direction and each is delayed from its own read time, so a burst costs RTT / 2 once, not once per
chunk. The bytes pass through untouched (TLS goes end to end between client and server).

What it cannot delay: the TCP handshake between the client and the proxy (the kernel completes it
before the proxy sees the connection). Two ways to account for it:
- by default, whoever reports figures taken through it adds one RTT per connection the proxy
  accepted (`accepted` in the stats) and says so;
- with --emulate-handshake (`emulate_handshake=True`), the proxy puts that RTT in itself: what
  the client sends on a new connection before it has received anything on it is delayed by one
  RTT more (1.5 RTT). Behind a real handshake the client's connect() returns one RTT later, so
  everything it sends before the server's first answer leaves one RTT later; it sends nothing
  else without an answer. A client that speaks first (TLS, HTTP) then sees every answer when it
  would behind a real handshake, also when it works between connect() and its first send (the
  Rust SDK builds its TLS set-up then), and a connection that a client opens but does not wait
  for (a connection race) costs it nothing, where adding one RTT per connection would count one.
  Not for protocols where the server speaks first (its greeting gets no extra RTT).

Bounded: at most --max-connections open at once (more are closed at once and counted as
`refused`), at most --max-buffer-bytes in flight per direction and connection (reading pauses
until the delayed bytes are written: back-pressure, never an unbounded queue), a 10 s connect
timeout upstream, and a log of at most 1,000 connections. Loopback only: it listens on 127.0.0.1
and refuses a target that is not a loopback address.

    # in front of the emulator; prints one JSON line with its port, then a stats line on SIGUSR1
    # and on exit (SIGINT / SIGTERM / --max-seconds)
    python3 benches/latency_proxy.py --target 127.0.0.1:PORT --rtt-ms 100
    python3 benches/latency_proxy.py --self-test      # round trip ≈ RTT, bytes unchanged, bounds

In a Python program (benches/launch.py): `ProxyThread(target_port, rtt_ms)` runs it on an asyncio
loop in a background thread; `.port`, `.set_rtt(ms)`, `.take_stats()` (and clear), `.close()`.
"""

import argparse
import asyncio
import collections
import ipaddress
import json
import os
import signal
import sys
import threading
import time

CHUNK = 64 * 1024
CONNECT_TIMEOUT_S = 10.0
LOG_LIMIT = 1000


def loopback_host(host):
    """The host as an IP literal, if it is a loopback address (or "localhost"); else ValueError."""
    if host == "localhost":
        return "127.0.0.1"
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError("{} is not a loopback address".format(host))
    return host


class _Budget:
    """Bytes in flight in one direction of one connection: the reader waits while it is spent."""

    def __init__(self, limit):
        self.limit, self.used = limit, 0
        self.changed = asyncio.Event()

    async def take(self, n):
        # A chunk larger than the whole budget still passes once nothing else is in flight.
        while self.used > 0 and self.used + n > self.limit:
            self.changed.clear()
            await self.changed.wait()
        self.used += n

    def give(self, n):
        self.used -= n
        self.changed.set()


class LatencyProxy:
    """The proxy on the running asyncio loop. Not thread-safe: use it from its loop
    (ProxyThread does that for other threads)."""

    def __init__(self, target_host, target_port, rtt_ms=0.0, port=0, max_connections=64,
                 max_buffer_bytes=1 << 20, emulate_handshake=False):
        self.target = (loopback_host(target_host), int(target_port))
        self.rtt_ms = float(rtt_ms)
        self.emulate_handshake = emulate_handshake
        self.listen_port = port
        self.max_connections = max_connections
        self.max_buffer_bytes = max_buffer_bytes
        self.server = None
        self.port = None
        self.tasks = set()
        self._clear()

    def _clear(self):
        self.accepted = self.refused = self.upstream_failures = 0
        self.bytes_up = self.bytes_down = 0
        self.log = collections.deque(maxlen=LOG_LIMIT)
        self.next_id = getattr(self, "next_id", 0)

    async def start(self):
        if self.rtt_ms < 0:
            raise ValueError("the RTT cannot be negative")
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", self.listen_port,
                                                 limit=CHUNK)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    def stats(self):
        return {
            "rtt_ms": self.rtt_ms,
            "emulate_handshake": self.emulate_handshake,
            "accepted": self.accepted,
            "refused": self.refused,
            "upstream_failures": self.upstream_failures,
            "open": len(self.tasks),
            "bytes_up": self.bytes_up,
            "bytes_down": self.bytes_down,
            "connections": [dict(c) for c in self.log],
        }

    def take_stats(self):
        """The stats so far, then counters and log cleared (open connections keep running)."""
        s = self.stats()
        self._clear()
        return s

    async def close(self):
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)

    # ---- one connection ----------------------------------------------------------------------

    async def _accept(self, client_reader, client_writer):
        if len(self.tasks) >= self.max_connections:
            self.refused += 1
            client_writer.transport.abort()
            return
        task = asyncio.current_task()
        self.tasks.add(task)
        self.accepted += 1
        self.next_id += 1
        # Wall-clock times (ns since the epoch), comparable with the times clients report.
        # down_unix_ns: when chunks were written to the client (the first 64).
        entry = {"id": self.next_id, "opened_unix_ns": time.time_ns(), "bytes_up": 0,
                 "bytes_down": 0, "last_down_unix_ns": None, "down_unix_ns": [],
                 "closed_unix_ns": None}
        self.log.append(entry)
        upstream_writer = None
        try:
            try:
                upstream_reader, upstream_writer = await asyncio.wait_for(
                    asyncio.open_connection(*self.target, limit=CHUNK), CONNECT_TIMEOUT_S)
            except (OSError, asyncio.TimeoutError):
                self.upstream_failures += 1
                return
            pipes = [asyncio.ensure_future(self._pipe(client_reader, upstream_writer, entry, True)),
                     asyncio.ensure_future(self._pipe(upstream_reader, client_writer, entry, False))]
            try:
                done, _ = await asyncio.wait(pipes, return_when=asyncio.FIRST_EXCEPTION)
                if any(t.exception() for t in done):
                    # A reset or a failed write on one side: tear down both at once.
                    client_writer.transport.abort()
                    upstream_writer.transport.abort()
                await asyncio.gather(*pipes, return_exceptions=True)
            finally:
                for t in pipes:
                    t.cancel()
        except asyncio.CancelledError:
            pass
        finally:
            entry["closed_unix_ns"] = time.time_ns()
            for w in (client_writer, upstream_writer):
                if w is not None:
                    w.close()
            self.tasks.discard(task)

    async def _pipe(self, reader, writer, entry, up):
        """Reads chunks, writes each RTT / 2 after its read; EOF is forwarded the same way.
        With emulate_handshake, what the client sends before it has received anything on this
        connection counts as read one RTT later (when a real handshake would have let it send)."""
        loop = asyncio.get_running_loop()
        queue = asyncio.Queue()
        budget = _Budget(self.max_buffer_bytes)

        async def deliver():
            while True:
                due, data = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if data is None:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
                budget.give(len(data))
                if up:
                    self.bytes_up += len(data)
                    entry["bytes_up"] += len(data)
                else:
                    self.bytes_down += len(data)
                    entry["bytes_down"] += len(data)
                    entry["last_down_unix_ns"] = time.time_ns()
                    if len(entry["down_unix_ns"]) < 64:
                        entry["down_unix_ns"].append(entry["last_down_unix_ns"])

        delivery = asyncio.ensure_future(deliver())
        try:
            while True:
                read = asyncio.ensure_future(reader.read(CHUNK))
                await asyncio.wait([read, delivery], return_when=asyncio.FIRST_COMPLETED)
                if delivery.done():  # the writing side failed: stop reading
                    read.cancel()
                    delivery.result()
                    return
                data = read.result()
                due = loop.time() + self.rtt_ms / 2000.0
                if self.emulate_handshake and up and entry["bytes_down"] == 0:
                    due += self.rtt_ms / 1000.0
                if not data:
                    queue.put_nowait((due, None))
                    break
                await budget.take(len(data))
                queue.put_nowait((due, data))
            await delivery
        finally:
            delivery.cancel()


class ProxyThread:
    """A LatencyProxy on its own asyncio loop in a daemon thread, driven from other threads."""

    def __init__(self, target_port, rtt_ms=0.0, target_host="127.0.0.1", **options):
        self.loop = asyncio.new_event_loop()
        self.proxy = LatencyProxy(target_host, target_port, rtt_ms, **options)
        self.thread = threading.Thread(target=self.loop.run_forever, name="latency-proxy",
                                       daemon=True)
        self.thread.start()
        try:
            self._call(self.proxy.start())
        except BaseException:
            self._stop_loop()
            raise
        self.port = self.proxy.port

    def _call(self, coroutine, timeout=30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def _run(self, fn):
        async def call():
            return fn()
        return self._call(call())

    def set_rtt(self, rtt_ms):
        if rtt_ms < 0:
            raise ValueError("the RTT cannot be negative")
        self._run(lambda: setattr(self.proxy, "rtt_ms", float(rtt_ms)))

    def set_emulate_handshake(self, on):
        self._run(lambda: setattr(self.proxy, "emulate_handshake", bool(on)))

    def stats(self):
        return self._run(self.proxy.stats)

    def take_stats(self):
        return self._run(self.proxy.take_stats)

    def _stop_loop(self):
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        if not self.loop.is_running():
            self.loop.close()

    def close(self):
        if self.loop.is_closed():
            return
        try:
            self._call(self.proxy.close())
        finally:
            self._stop_loop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- command line ------------------------------------------------------------------------------

async def serve(args):
    host, _, port = args.target.rpartition(":")
    proxy = LatencyProxy(host, int(port), args.rtt_ms, port=args.port,
                         max_connections=args.max_connections,
                         max_buffer_bytes=args.max_buffer_bytes,
                         emulate_handshake=args.emulate_handshake)
    await proxy.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def dump():
        print(json.dumps(dict(proxy.stats(), event="stats")), flush=True)

    loop.add_signal_handler(signal.SIGUSR1, dump)
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(json.dumps({"event": "listening", "host": "127.0.0.1", "port": proxy.port,
                      "target": "{}:{}".format(*proxy.target), "rtt_ms": proxy.rtt_ms,
                      "emulate_handshake": proxy.emulate_handshake,
                      "pid": os.getpid()}), flush=True)
    try:
        await asyncio.wait_for(stop.wait(), args.max_seconds)
    except asyncio.TimeoutError:
        pass
    finally:
        dump()
        await proxy.close()


# ---- self test ---------------------------------------------------------------------------------

async def _echo_server():
    async def echo(reader, writer):
        try:
            while True:
                data = await reader.read(CHUNK)
                if not data:
                    break
                writer.write(data)
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()
    return await asyncio.start_server(echo, "127.0.0.1", 0)


async def _self_test():
    results = []

    def check(name, ok, detail):
        results.append(ok)
        print("{} {:<58} {}".format("ok  " if ok else "FAIL", name, detail), flush=True)

    echo = await _echo_server()
    echo_port = echo.sockets[0].getsockname()[1]
    rtt_ms = 100.0
    proxy = await LatencyProxy("127.0.0.1", echo_port, rtt_ms, max_connections=4,
                               max_buffer_bytes=256 * 1024).start()
    loop = asyncio.get_running_loop()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", proxy.port)
        payload = os.urandom(1000)
        t0 = loop.time()
        writer.write(payload)
        got = await asyncio.wait_for(reader.readexactly(len(payload)), 5)
        ms = (loop.time() - t0) * 1000
        check("round trip of 1,000 bytes at RTT 100 ms takes ≈ RTT", 98 <= ms <= 150,
              "{:.1f} ms".format(ms))
        check("the bytes come back unchanged", got == payload, "{} bytes".format(len(got)))

        # A burst: 20 chunks sent 5 ms apart; each comes back ≈ RTT after it was sent (not
        # RTT after the previous one came back): the last arrives ≈ RTT after it was sent.
        sent, t_last = [], None
        for i in range(20):
            chunk = bytes([i]) * 100
            writer.write(chunk)
            await writer.drain()
            t_last = loop.time()
            sent.append(chunk)
            await asyncio.sleep(0.005)
        got = await asyncio.wait_for(reader.readexactly(2000), 5)
        ms = (loop.time() - t_last) * 1000
        check("a burst of 20 chunks is delayed once per chunk, in order",
              got == b"".join(sent) and 98 <= ms <= 150,
              "last chunk back {:.1f} ms after it was sent".format(ms))

        # 4 MiB through a 256 KiB budget per direction: back-pressure, order and content kept.
        big = os.urandom(4 << 20)

        async def send():
            writer.write(big)
            await writer.drain()
        sender = asyncio.ensure_future(send())
        got = await asyncio.wait_for(reader.readexactly(len(big)), 30)
        await sender
        check("4 MiB through a 256 KiB buffer arrive unchanged", got == big,
              "{} bytes".format(len(got)))

        # Half-close: EOF goes through (delayed too) and the answer still comes back.
        writer.write(b"last")
        writer.write_eof()
        got = await asyncio.wait_for(reader.read(), 5)
        check("EOF is forwarded after the data", got == b"last", repr(got))
        writer.close()

        # Handshake emulation: on a new connection the first answer comes ≈ 2 RTT after the
        # connection was opened (the handshake's RTT, then the request's), the next ≈ 1 RTT.
        proxy.emulate_handshake = True
        t0 = loop.time()
        r3, w3 = await asyncio.open_connection("127.0.0.1", proxy.port)
        w3.write(b"hello")
        first = await asyncio.wait_for(r3.readexactly(5), 5)
        ms_first = (loop.time() - t0) * 1000
        t1 = loop.time()
        w3.write(b"again")
        second = await asyncio.wait_for(r3.readexactly(5), 5)
        ms_second = (loop.time() - t1) * 1000
        check("emulated handshake: first answer ≈ 2 RTT after connecting, then ≈ 1 RTT",
              first == b"hello" and second == b"again" and 198 <= ms_first <= 260
              and 98 <= ms_second <= 150, "{:.1f} ms, {:.1f} ms".format(ms_first, ms_second))
        w3.close()
        # A client that works 60 ms between connect() and its first send: behind a real
        # handshake it sends at RTT + 60 ms, so its answer comes at 2 RTT + 60 ms.
        t0 = loop.time()
        r4, w4 = await asyncio.open_connection("127.0.0.1", proxy.port)
        await asyncio.sleep(0.06)
        w4.write(b"late")
        got = await asyncio.wait_for(r4.readexactly(4), 5)
        ms = (loop.time() - t0) * 1000
        check("emulated handshake: work before the first send is not hidden",
              got == b"late" and 258 <= ms <= 320, "{:.1f} ms".format(ms))
        w4.close()
        proxy.emulate_handshake = False

        # RTT 0: passes at once.
        proxy.rtt_ms = 0
        r2, w2 = await asyncio.open_connection("127.0.0.1", proxy.port)
        t0 = loop.time()
        w2.write(b"ping")
        got = await asyncio.wait_for(r2.readexactly(4), 5)
        ms = (loop.time() - t0) * 1000
        check("RTT 0 passes at once", got == b"ping" and ms < 20, "{:.1f} ms".format(ms))
        w2.close()
        await _drained(proxy)
        check("closed connections leave no task behind", not proxy.tasks,
              "{} open".format(len(proxy.tasks)))

        # The connection limit: 4 open at most; the fifth is closed and counted.
        opened = [await asyncio.open_connection("127.0.0.1", proxy.port) for _ in range(4)]
        r5, w5 = await asyncio.open_connection("127.0.0.1", proxy.port)
        try:
            extra = await asyncio.wait_for(r5.read(), 5)
        except ConnectionError:
            extra = b""
        s = proxy.stats()
        check("a connection over the limit is refused", extra == b"" and s["refused"] == 1,
              "refused={}".format(s["refused"]))
        check("connections are counted", s["accepted"] == 8, "accepted={}".format(s["accepted"]))
        for _, w in opened + [(r5, w5)]:
            w.close()
        await _drained(proxy)

        # An upstream that is gone: counted, the client is closed.
        proxy.target = ("127.0.0.1", _free_port())
        r6, w6 = await asyncio.open_connection("127.0.0.1", proxy.port)
        try:
            got = await asyncio.wait_for(r6.read(), 15)
        except ConnectionError:
            got = b""
        check("a refused upstream closes the client and is counted",
              got == b"" and proxy.stats()["upstream_failures"] == 1,
              "upstream_failures={}".format(proxy.stats()["upstream_failures"]))
        w6.close()
        taken = proxy.take_stats()
        check("take_stats clears the counters", taken["accepted"] == 9 and
              proxy.stats()["accepted"] == 0, "accepted before={}".format(taken["accepted"]))
        check("a non-loopback target is refused", _refuses("192.0.2.1"), "192.0.2.1")
    finally:
        await proxy.close()
        echo.close()
        await echo.wait_closed()
    check("closing leaves no connection task", not proxy.tasks, "{} open".format(len(proxy.tasks)))
    failed = results.count(False)
    print("{} passed, {} failed".format(len(results) - failed, failed))
    return failed == 0


async def _drained(proxy):
    for _ in range(200):
        if not proxy.tasks:
            return
        await asyncio.sleep(0.01)


def _free_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _refuses(host):
    try:
        LatencyProxy(host, 1)
    except ValueError:
        return True
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", help="HOST:PORT to forward to (a loopback address)")
    parser.add_argument("--rtt-ms", type=float, default=100.0, help="round trip to add (100)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument("--max-connections", type=int, default=64)
    parser.add_argument("--max-buffer-bytes", type=int, default=1 << 20,
                        help="bytes in flight per direction and connection (1 MiB)")
    parser.add_argument("--max-seconds", type=float, default=3600.0,
                        help="stop by itself after this long (3600)")
    parser.add_argument("--emulate-handshake", action="store_true",
                        help="hold a new connection's bytes for one RTT, as a TCP handshake would")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return 0 if asyncio.run(_self_test()) else 1
    if not args.target:
        parser.error("--target is required")
    try:
        asyncio.run(serve(args))
    except ValueError as e:
        print("latency_proxy: {}".format(e), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
