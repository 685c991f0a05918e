# The seed's client (experiment 3, client1.py/client2.py/client3.py), unchanged in what it sends and reads: each line
# typed becomes one datagram, the text with the client's digit at the end, and the server's reply datagram is printed.
# Only the digit and the server's port come from the command line (the seed hard-codes them), and a reply that never
# comes ends the client after 30 s instead of hanging a test.
import socket
import sys

digit = sys.argv[1]
serverAddressPort = ("127.0.0.1", int(sys.argv[2]))
bufferSize = 1024
for line in sys.stdin:
    msgFromClient = line.rstrip("\n")
    bytesToSend = str.encode(msgFromClient + digit)
    # Create a UDP socket at client side
    UDPClientSocket = socket.socket(family=socket.AF_INET, type=socket.SOCK_DGRAM)
    UDPClientSocket.settimeout(30)
    # Send to server using created UDP socket
    UDPClientSocket.sendto(bytesToSend, serverAddressPort)
    msgFromServer = UDPClientSocket.recvfrom(bufferSize)
    msg = "Message from Server :{}".format(msgFromServer[0].decode())
    print(msg, flush=True)
