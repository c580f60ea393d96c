"""Latency on a real network path between a service and its engines.

A network namespace with a veth pair into it: the service connects to the namespace's end of
the pair, where a relay listens and forwards to the engine on this host's loopback, so every
byte crosses the veth both ways. The delay comes from `tc netem` on both ends of the pair when
the kernel has it; when it does not, the relay itself holds every chunk for the one-way delay
(with jitter, in order) in each direction.

Used by faults.py; run as a program it is the relay:

    latency.py --netns NAME --listen ADDRESS --forward PORT=HOST:PORT ... --delay-ms 50 --jitter-ms 10
"""

import argparse
import asyncio
import ctypes
import os
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

NAMESPACE = "boxoffice-latency"
HOST_END, NAMESPACE_END = "bxlat-host", "bxlat-ns"
HOST_ADDRESS, NAMESPACE_ADDRESS = "10.231.77.1", "10.231.77.2"
CLONE_NEWNET = 0x40000000
CHUNK = 64 * 1024


def run(*command):
    return subprocess.run(command, check=True, capture_output=True, text=True)


class LatencyPath:
    """The namespace, the veth pair, the delay and the relay; close() takes all of it away."""

    def __init__(self, forwards, one_way_ms, jitter_ms):
        self.forwards = forwards  # {port in the namespace: (host, port) of the engine}
        self.one_way_ms, self.jitter_ms = one_way_ms, jitter_ms
        self.relay = None
        self.note = ""

    @property
    def address(self):
        """Where the service should connect instead of the engine."""
        return NAMESPACE_ADDRESS

    def open(self, ready_seconds=10):
        self.close()  # whatever a previous, interrupted run left
        run("ip", "netns", "add", NAMESPACE)
        run("ip", "link", "add", HOST_END, "type", "veth", "peer", "name", NAMESPACE_END, "netns", NAMESPACE)
        run("ip", "address", "add", f"{HOST_ADDRESS}/30", "dev", HOST_END)
        run("ip", "link", "set", HOST_END, "up")
        inside = ("ip", "netns", "exec", NAMESPACE)
        run(*inside, "ip", "address", "add", f"{NAMESPACE_ADDRESS}/30", "dev", NAMESPACE_END)
        run(*inside, "ip", "link", "set", NAMESPACE_END, "up")
        run(*inside, "ip", "link", "set", "lo", "up")
        netem = ["root", "netem", "delay", f"{self.one_way_ms}ms", f"{self.jitter_ms}ms"]
        try:
            # Each end delays what it sends, so the pair delays both directions.
            run("tc", "qdisc", "add", "dev", HOST_END, *netem)
            run(*inside, "tc", "qdisc", "add", "dev", NAMESPACE_END, *netem)
            relay_delay, relay_jitter = 0, 0
            self.note = f"netem on the veth pair: {self.one_way_ms}±{self.jitter_ms} ms each way"
        except subprocess.CalledProcessError as error:
            relay_delay, relay_jitter = self.one_way_ms, self.jitter_ms
            reason = (error.stderr or error.stdout or str(error)).strip().splitlines()[0].rstrip(".")
            self.note = (f"netem unavailable in this kernel: {reason}; using a userspace delay proxy "
                         f"on the veth pair: {self.one_way_ms}±{self.jitter_ms} ms each way")
        command = [sys.executable, __file__, "--netns", NAMESPACE, "--listen", NAMESPACE_ADDRESS,
                   "--delay-ms", str(relay_delay), "--jitter-ms", str(relay_jitter)]
        for port, (host, target_port) in self.forwards.items():
            command += ["--forward", f"{port}={host}:{target_port}"]
        self.relay = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        # The relay prints one line once it listens (or dies trying).
        line = self.relay.stdout.readline().strip()
        if line != "ready":
            self.close()
            raise RuntimeError(f"the latency relay did not start: {line or 'it exited'}")
        self.wait_listening(ready_seconds)

    def wait_listening(self, seconds):
        deadline = time.monotonic() + seconds
        for port in self.forwards:
            while True:
                try:
                    socket.create_connection((NAMESPACE_ADDRESS, port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)

    def bytes_through(self):
        """Bytes the host's end of the pair has sent and received: proof traffic took the path."""
        statistics = Path(f"/sys/class/net/{HOST_END}/statistics")
        try:
            return int((statistics / "tx_bytes").read_text()) + int((statistics / "rx_bytes").read_text())
        except OSError:
            return 0

    def close(self):
        if self.relay is not None:
            self.relay.terminate()
            try:
                self.relay.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.relay.kill()
                self.relay.wait()
            self.relay = None
        # Deleting the namespace deletes its end of the pair, and with it the host's end.
        subprocess.run(["ip", "netns", "delete", NAMESPACE], capture_output=True)
        subprocess.run(["ip", "link", "delete", HOST_END], capture_output=True)


# --- The relay.

def set_network_namespace(path):
    libc = ctypes.CDLL(None, use_errno=True)
    descriptor = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(descriptor, CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"setns {path}: {os.strerror(error)}")
    finally:
        os.close(descriptor)


def listeners_inside(namespace, address, ports):
    """Listening sockets that live in the namespace, while this process (and every connection
    it makes to the engines) stays in the host's."""
    home_descriptor = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        set_network_namespace(f"/var/run/netns/{namespace}")
        sockets = {}
        for port in ports:
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((address, port))
            listener.listen(128)
            listener.setblocking(False)
            sockets[port] = listener
    finally:
        set_network_namespace(f"/proc/self/fd/{home_descriptor}")
        os.close(home_descriptor)
    return sockets


async def pump(reader, writer, delay, jitter):
    """Copies one direction, each chunk held for delay±jitter seconds, never reordered."""
    queue = asyncio.Queue()

    async def receive():
        due = 0.0
        while True:
            try:
                chunk = await reader.read(CHUNK)
            except OSError:
                chunk = b""  # a reset ends this direction as an end of stream would
            # A later chunk never leaves before an earlier one, whatever its jitter.
            due = max(due, time.monotonic() + delay + random.uniform(-jitter, jitter))
            await queue.put((due, chunk))
            if not chunk:
                return

    async def send():
        while True:
            due, chunk = await queue.get()
            pause = due - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)  # the injected latency itself
            if not chunk:
                if writer.can_write_eof():
                    writer.write_eof()
                return
            writer.write(chunk)
            await writer.drain()

    receiving = asyncio.ensure_future(receive())
    try:
        await send()
    finally:
        receiving.cancel()


async def relay_connection(client_reader, client_writer, target, delay, jitter):
    try:
        engine_reader, engine_writer = await asyncio.open_connection(*target)
    except OSError:
        client_writer.close()
        return
    for sock in (client_writer.get_extra_info("socket"), engine_writer.get_extra_info("socket")):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        await asyncio.gather(pump(client_reader, engine_writer, delay, jitter),
                             pump(engine_reader, client_writer, delay, jitter))
    except (OSError, asyncio.IncompleteReadError, asyncio.CancelledError):
        pass  # one side went away, or the relay is stopping: close both
    finally:
        for writer in (client_writer, engine_writer):
            writer.close()


async def serve(arguments):
    forwards = {}
    for forward in arguments.forward:
        port, target = forward.split("=", 1)
        host, target_port = target.rsplit(":", 1)
        forwards[int(port)] = (host, int(target_port))
    delay, jitter = arguments.delay_ms / 1000, arguments.jitter_ms / 1000
    sockets = listeners_inside(arguments.netns, arguments.listen, forwards)
    servers = []
    for port, listener in sockets.items():
        target = forwards[port]
        servers.append(await asyncio.start_server(
            lambda reader, writer, target=target: relay_connection(reader, writer, target, delay, jitter),
            sock=listener))
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stopped.set)
    print("ready", flush=True)
    await stopped.wait()
    for server in servers:
        server.close()


def main():
    parser = argparse.ArgumentParser(description="A TCP relay listening in a network namespace, with delay.")
    parser.add_argument("--netns", required=True)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--forward", action="append", required=True, help="PORT=HOST:PORT")
    parser.add_argument("--delay-ms", type=float, default=0)
    parser.add_argument("--jitter-ms", type=float, default=0)
    arguments = parser.parse_args()
    try:
        asyncio.run(serve(arguments))
    except OSError as error:
        print(f"error: {error}", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
