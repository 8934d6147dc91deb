#!/usr/bin/env python3
"""Drives a command on a new pseudo-terminal, as a person at a keyboard would.

usage: pty-session.py SCRIPT -- COMMAND...
SCRIPT is a list of steps separated by '|': 'send:TEXT' types TEXT (\\n, \\x03
escapes allowed), 'expect:TEXT' waits up to 10 s for TEXT in the output,
'wait:SECONDS' just reads for that long.
Prints the whole transcript; exits with the command's exit status, or 99
when an expectation was not met.
"""
import os, pty, select, sys, time

def main():
    split = sys.argv.index("--")
    steps = sys.argv[1].split("|")
    command = sys.argv[split + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(command[0], command)
    transcript = b""

    def read_some(deadline):
        nonlocal transcript
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return False
                if not data:
                    return False
                transcript += data
                # Answer a cursor-position query as a terminal does; line
                # editors (busybox ash) read the answer from the input.
                for _ in range(data.count(b"\x1b[6n")):
                    os.write(fd, b"\x1b[1;3R")
                return True
        return True

    for step in steps:
        kind, _, text = step.partition(":")
        text = text.encode().decode("unicode_escape").encode()
        if kind == "wait":
            until = time.time() + float(text)
            while time.time() < until and read_some(until):
                pass
        elif kind == "send":
            os.write(fd, text)
        elif kind == "expect":
            start = len(transcript)
            deadline = time.time() + 10
            while text not in transcript[start:] and time.time() < deadline:
                if not read_some(time.time() + 0.2):
                    break
            # Let a query that came with the match be answered before typing on.
            until = time.time() + 0.2
            while time.time() < until and read_some(until):
                pass
            if text not in transcript[start:]:
                sys.stdout.write(transcript.decode(errors="replace"))
                sys.stdout.write("\n[pty-session: never saw %r]\n" % text)
                os.kill(pid, 9)
                sys.exit(99)
    # Read until the terminal closes (EIO once every holder of it is gone).
    deadline = time.time() + 10
    while time.time() < deadline and read_some(deadline):
        pass
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))

main()
