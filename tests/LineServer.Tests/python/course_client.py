# A client written the way the course's students wrote theirs: plain sockets, recv(1024) until two newlines have
# arrived, a dict of lines, then SUBMIT with one send per line. Kept deliberately naive (it is the compatibility
# target for the emulator); only a socket timeout and a request bound were added so a broken server fails the test
# instead of hanging it.
#
# usage: course_client.py HOST PORT TOTAL_LINES [ENTRY]
import socket
import sys
import time

SERVER_IP = sys.argv[1]
SERVER_PORT = int(sys.argv[2])
TOTAL_LINES = int(sys.argv[3])
ENTRY = sys.argv[4] if len(sys.argv) > 4 else "student@col334-672"
MAX_REQUESTS = 100000

client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client_socket.settimeout(10)
client_socket.connect((SERVER_IP, SERVER_PORT))

lines = {}
requests = 0
while len(lines) < TOTAL_LINES:
    if requests >= MAX_REQUESTS:
        print("gave up after", requests, "requests with", len(lines), "lines")
        sys.exit(1)
    client_socket.send("SENDLINE\n".encode())
    requests += 1
    data = ""
    while data.count("\n") < 2:
        chunk = client_socket.recv(1024).decode()
        if not chunk:
            print("server closed the connection")
            sys.exit(1)
        data += chunk
    parts = data.split("\n")
    line_number = int(parts[0])
    if line_number == -1:
        time.sleep(0.01)
        continue
    lines[line_number] = parts[1]

print("received", len(lines), "lines in", requests, "requests")

client_socket.send("SUBMIT\n".encode())
client_socket.send((ENTRY + "\n").encode())
client_socket.send((str(len(lines)) + "\n").encode())
for line_number in range(TOTAL_LINES):
    client_socket.send((str(line_number) + "\n").encode())
    client_socket.send((lines[line_number] + "\n").encode())

reply = ""
while not reply.endswith("\n"):
    chunk = client_socket.recv(1024).decode()
    if not chunk:
        break
    reply += chunk
print(reply.strip())
client_socket.close()
