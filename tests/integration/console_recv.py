#!/usr/bin/python3
"""Console socket peer for tests: listens on SOCKET, receives the pty master
(SCM_RIGHTS, as runc's --console-socket protocol), optionally types INPUT into
it, and copies everything the container writes to stdout until hang-up.
Usage: console_recv.py SOCKET [INPUT]"""
import os
import select
import socket
import sys
import time

path = sys.argv[1]
typed = sys.argv[2].encode() if len(sys.argv) > 2 else b""
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(path + ".ready", "w").close()
srv.settimeout(20)
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 4096, 1)
print("name=" + msg.decode(), file=sys.stderr)
master = fds[0]
deadline = time.time() + 20
sent = False
while time.time() < deadline:
    r, _, _ = select.select([master], [], [], 0.2)
    if not sent and typed:
        os.write(master, typed)
        sent = True
    if r:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        sys.stdout.write(data.decode(errors="replace"))
        sys.stdout.flush()
