#!/usr/bin/env python3
"""Drives an interactive command through a pseudo-terminal.

    pty_drive.py [--timeout SECONDS] STEP... -- COMMAND [ARG...]

STEP is `expect:REGEX` (wait until the output so far, after the previous
match, matches REGEX) or `send:TEXT` (type TEXT; `\\r` and `\\n` escapes are
understood).  After the last step the output is read until the command
closes the terminal.  The whole transcript goes to stdout; the exit status is
the command's, or 124 when an expect or the final wait timed out (the command
is then killed).
"""
import os
import pty
import re
import select
import signal
import sys
import time


def main(argv):
    timeout = 30.0
    steps = []
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--timeout":
            timeout = float(argv[i + 1])
            i += 2
            continue
        kind, _, arg = argv[i].partition(":")
        if kind not in ("expect", "send"):
            sys.exit("pty_drive: bad step %r" % argv[i])
        steps.append((kind, arg))
        i += 1
    cmd = argv[i + 1:]
    if not cmd:
        sys.exit(__doc__)

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b""
    pos = 0
    deadline = time.monotonic() + timeout

    def read_some(wait):
        nonlocal out
        r, _, _ = select.select([fd], [], [], wait)
        if not r:
            return True
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False
        if not data:
            return False
        out += data
        # Answer cursor position queries as a terminal would (busybox ash
        # line editing sends ESC[6n and waits for the reply).
        if b"\x1b[6n" in data:
            os.write(fd, b"\x1b[24;1R")
        return True

    def fail(why):
        sys.stdout.write(out.decode(errors="replace"))
        sys.stdout.write("\npty_drive: %s\n" % why)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.exit(124)

    for kind, arg in steps:
        if kind == "send":
            os.write(fd, arg.replace("\\r", "\r").replace("\\n", "\n").encode())
            continue
        rx = re.compile(arg.encode())
        while True:
            m = rx.search(out, pos)
            if m:
                pos = m.end()
                break
            left = deadline - time.monotonic()
            if left <= 0:
                fail("timed out waiting for %r" % arg)
            if not read_some(min(left, 0.5)) and not rx.search(out, pos):
                fail("terminal closed before %r" % arg)
    while read_some(0.5):
        if time.monotonic() > deadline:
            fail("timed out waiting for the command to exit")
        r = os.waitpid(pid, os.WNOHANG)
        if r[0] == pid:
            sys.stdout.write(out.decode(errors="replace"))
            return os.waitstatus_to_exitcode(r[1])
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
