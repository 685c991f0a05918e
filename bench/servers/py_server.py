#!/usr/bin/env python3
"""Our Python versions of the seed's task servers (written for OrleansDist), with the project's line protocol.

  python3 py_server.py --design thread|process [--port 0] [--task-ms 3000] [--work io|cpu] [--max-line 65536]

thread:  socketserver.ThreadingTCPServer, a thread per connection (the seed's multi-threaded server).
process: socketserver.ForkingTCPServer, a forked process per connection (the seed's multi-process server).

Each line a client sends is a task: the server works on it for --task-ms (io: sleeps; cpu: burns its thread's CPU
time) and answers the text reversed; 'exit' is answered 'Goodbye!' and the connection closes. An empty line, control
characters, bytes that are not UTF-8 and a line longer than --max-line are answered 'ERROR ...'; a long line is
dropped up to its end without being kept in memory. Prints 'SERVER READY design=py-D port=P' when it accepts.
"""
import argparse
import os
import signal
import socket
import socketserver
import sys
import time
import unicodedata


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--design", choices=["thread", "process"], required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--task-ms", type=int, default=3000)
    parser.add_argument("--work", choices=["io", "cpu"], default="io")
    parser.add_argument("--max-line", type=int, default=64 * 1024)
    parser.add_argument("--backlog", type=int, default=65535)
    return parser.parse_args()


ARGS = parse_args()


def work():
    seconds = ARGS.task_ms / 1000.0
    if ARGS.work == "io":
        time.sleep(seconds)
        return
    until = time.thread_time() + seconds  # this thread's CPU time: a GIL-bound thread cannot claim more than it got
    x = 1
    while time.thread_time() < until:
        for _ in range(2000):
            x = (x * 1103515245 + 12345) & 0xFFFFFFFF


def answer(line: bytes) -> (bytes, bool):
    """The reply line for one received line, and whether to close the connection afterwards."""
    if line.endswith(b"\r"):
        line = line[:-1]
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return b"ERROR line is not UTF-8\n", False
    if text.strip() == "exit":
        return b"Goodbye!\n", True
    if text == "":
        return b"ERROR empty task\n", False
    for ch in text:
        if ch != "\t" and unicodedata.category(ch) == "Cc":
            return ("ERROR task contains control character U+%04X\n" % ord(ch)).encode(), False
    work()
    return (text[::-1] + "\n").encode("utf-8"), False


class TaskHandler(socketserver.BaseRequestHandler):
    def handle(self):
        pending = bytearray()
        discarding = False
        while True:
            try:
                data = self.request.recv(4096)
            except OSError:
                return
            if not data:
                return
            while data:
                newline = data.find(b"\n")
                chunk = data if newline < 0 else data[:newline]
                data = b"" if newline < 0 else data[newline + 1:]
                if discarding:
                    discarding = newline < 0
                    continue
                if len(pending) + len(chunk) > ARGS.max_line + 1:
                    pending.clear()
                    discarding = newline < 0
                    if not self.send(b"ERROR line longer than %d bytes; dropped up to its end\n" % ARGS.max_line):
                        return
                    continue
                pending += chunk
                if newline < 0:
                    continue
                line = bytes(pending)
                pending.clear()
                if len(line.rstrip(b"\r")) > ARGS.max_line:
                    reply, close = b"ERROR line longer than %d bytes; dropped up to its end\n" % ARGS.max_line, False
                else:
                    reply, close = answer(line)
                if not self.send(reply) or close:
                    return

    def send(self, reply):
        try:
            self.request.sendall(reply)
            return True
        except OSError:
            return False


class ThreadServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    request_queue_size = ARGS.backlog


class ForkServer(socketserver.ForkingTCPServer):
    allow_reuse_address = True
    request_queue_size = ARGS.backlog
    max_children = 1_000_000  # a process per connection, as the seed: no pool limit (the default 40 would queue)
    block_on_close = False


def main():
    server_class = ThreadServer if ARGS.design == "thread" else ForkServer
    server = server_class((ARGS.host, ARGS.port), TaskHandler)

    def stop(signum, frame):
        for pid in list(getattr(server, "active_children", None) or []):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("SERVER READY design=py-%s port=%d" % (ARGS.design, server.server_address[1]), flush=True)
    server.serve_forever(poll_interval=0.1)


if __name__ == "__main__":
    sys.exit(main())
