#!/usr/bin/env python3
"""A seed-style client (written for OrleansDist): N clients, each its own OS process (default, as the seed's start.sh)
or thread, each opens a socket, sends one task line and checks the reply (the text reversed), then says exit.

  python3 client.py HOST PORT N [--threads] [--text PREFIX]

Prints one line per client and 'ALL OK n/n in S s' when every reply was right (exit code 0), else 'FAILED ...' (1).
"""
import argparse
import multiprocessing
import socket
import sys
import threading
import time


def recv_line(sock):
    data = bytearray()
    while not data.endswith(b"\n"):
        chunk = sock.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8").rstrip("\r\n")


def one_client(host, port, index, prefix, results):
    task = "%s %03d" % (prefix, index)
    started = time.time()
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(120)
        sock.connect((host, port))
        sock.sendall((task + "\n").encode())
        reply = recv_line(sock)
        sock.sendall(b"exit\n")
        goodbye = recv_line(sock)
        sock.close()
        ok = reply == task[::-1] and goodbye == "Goodbye!"
        results.put((index, ok, "reply %r, goodbye %r, %.3f s" % (reply, goodbye, time.time() - started)))
    except OSError as error:
        results.put((index, False, "error %s" % error))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("n", type=int)
    parser.add_argument("--threads", action="store_true", help="one thread per client instead of one process")
    parser.add_argument("--text", default="hello from client")
    args = parser.parse_args()
    started = time.time()
    if args.threads:
        import queue
        results = queue.Queue()
        workers = [threading.Thread(target=one_client, args=(args.host, args.port, i, args.text, results)) for i in range(args.n)]
    else:
        results = multiprocessing.Queue()
        workers = [multiprocessing.Process(target=one_client, args=(args.host, args.port, i, args.text, results)) for i in range(args.n)]
    for worker in workers:
        worker.start()
    outcomes = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.time() - started
    good = 0
    for index, ok, detail in sorted(outcomes):
        good += ok
        print("client %03d: %s %s" % (index, "OK" if ok else "WRONG", detail))
    if good == args.n:
        print("ALL OK %d/%d in %.3f s" % (good, args.n, elapsed))
        return 0
    print("FAILED %d/%d correct in %.3f s" % (good, args.n, elapsed))
    return 1


if __name__ == "__main__":
    sys.exit(main())
