# The seed's Cristian client (week 6/7 lab, Client.py), written the same way: connect, time the reply with timeit's
# default_timer, parse the server's str(datetime) with dateutil, and set the client's time to server time + latency/2.
# It prints the clock it ends with as an offset from this machine's real time.
# usage: cristian_client.py PORT
from timeit import default_timer as timer
from dateutil import parser
import datetime
import socket
import sys


def synchronizeTime(port):
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    request_time = timer()
    server_time = parser.parse(s.recv(1024).decode())
    response_time = timer()
    actual_time = datetime.datetime.now()
    print(f":|> Time returned by server: {server_time}")
    process_delay_latency = response_time - request_time
    print(f":|> Process Delay latency: {process_delay_latency} seconds")
    print(f":|> Actual clock time at client side: {actual_time}")
    client_time = server_time + datetime.timedelta(seconds=(process_delay_latency) / 2)
    print(f":|> Synchronized process client time: {client_time}")
    error = actual_time - client_time
    print(f":|> Synchronization error : {error.total_seconds()} seconds")
    s.close()
    # the client's clock now reads client_time at the instant actual_time
    print(f"FINAL cristian offset_ms={(client_time - actual_time).total_seconds() * 1000:.3f}", flush=True)


if __name__ == "__main__":
    synchronizeTime(int(sys.argv[1]))
