# The seed's Berkeley slave (week 6/7 lab, Slave.py), written the same way: one socket to the master, a thread that sends
# str(datetime.datetime.now()) every few seconds and a thread that receives the synchronised time with recv(1024) and
# dateutil's parser. The seed's slave only prints what it receives; this one keeps a clock of its own (real time plus an
# offset, the skew it starts with) and sets it to the time the master sends, so the test can see where it ended.
# usage: berkeley_slave.py PORT SKEW_SECONDS NAME DURATION_SECONDS [INTERVAL_SECONDS]
from dateutil import parser
import threading
import datetime
import socket
import time
import sys

offset = datetime.timedelta(seconds=float(sys.argv[2]))
offset_lock = threading.Lock()


def clock():
    with offset_lock:
        return datetime.datetime.now() + offset


def startSendingTime(name, slave_client, interval):
    while True:
        slave_client.send(str(clock()).encode())
        print(f":|> Recent time sent successfully by {name}", flush=True)
        time.sleep(interval)


def startReceivingTime(name, slave_client):
    global offset
    while True:
        data = slave_client.recv(1024).decode()
        if not data:
            return
        synchronized_time = parser.parse(data)
        with offset_lock:
            offset = synchronized_time - datetime.datetime.now()
        print(f":|> Synchronized time at the client is {name} : {str(synchronized_time)}", flush=True)


def initiateSlaveClient(name, port, interval):
    slave_client = socket.socket()
    slave_client.connect(("127.0.0.1", port))
    print(f"{name}: starting to send time to the server (offset {offset.total_seconds() * 1000:+.3f} ms)", flush=True)
    threading.Thread(target=startSendingTime, args=(name, slave_client, interval), daemon=True).start()
    threading.Thread(target=startReceivingTime, args=(name, slave_client), daemon=True).start()


if __name__ == "__main__":
    port, name, duration = int(sys.argv[1]), sys.argv[3], float(sys.argv[4])
    interval = float(sys.argv[5]) if len(sys.argv) > 5 else 5.0
    initiateSlaveClient(name, port, interval)
    time.sleep(duration)
    with offset_lock:
        print(f"FINAL {name} offset_ms={offset.total_seconds() * 1000:.3f}", flush=True)
