# scripts/bench/grid_latency.py KESSAN MODEL... -- the grid's latency from
# a keystroke to the redrawn screen, measured through a pseudo-terminal
# (what a user waits for: the key read, the work, the redraw written):
# the time from writing the key to the end of the screen update it
# causes (the last byte before the output has been quiet for 5 ms; the
# 5 ms are not counted).  Median and worst of each key's runs, in ms.
# Run by scripts/bench/grid; figures in docs/performance.md, "grid".
import fcntl
import os
import select
import statistics
import struct
import sys
import termios
import time

QUIET = 0.005
KEYS = [  # name, bytes, repeats
    ("down", b"\x1bOB", 40), ("right", b"\x1bOC", 20),
    ("up", b"\x1bOA", 40), ("page down", b"\x1b[6~", 10),
    ("page up", b"\x1b[5~", 10), ("tab", b"\t", 8),
]


def start(kessan, model):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8",
                   LC_ALL="C.UTF-8")
        os.execve(kessan, [kessan, "grid", model], env)
    os.close(slave)
    return pid, master


def drain(fd, first_timeout):
    """Read until quiet; the time of the last byte, or None."""
    last = None
    timeout = first_timeout
    while True:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return last
        try:
            if not os.read(fd, 65536):
                return last
        except OSError:  # the program ended
            return last
        last = time.perf_counter()
        timeout = QUIET


def measure(fd, key, repeats):
    times = []
    for _ in range(repeats):
        sent = time.perf_counter()
        os.write(fd, key)
        done = drain(fd, 2.0)
        if done is not None:
            times.append((done - sent) * 1000)
        time.sleep(0.01)
    return times


def report(model, name, times):
    if times:
        print("  %-28s median %6.2f ms   worst %6.2f ms   (%d)"
              % (name, statistics.median(times), max(times), len(times)))


def bench(kessan, model):
    opened = time.perf_counter()
    pid, fd = start(kessan, model)
    done = drain(fd, 30.0)
    print("%s: first screen %.0f ms" % (model, (done - opened) * 1000))
    for name, key, repeats in KEYS:
        report(model, name, measure(fd, key, repeats))
    # an edit that recalculates: Enter, the value, then the Enter timed
    os.write(fd, b"\t" * 8)  # back on the first tab (is)
    drain(fd, 1.0)
    edits, undos = [], []
    for i in range(10):
        os.write(fd, b"\x1bOA" * 3)
        drain(fd, 1.0)
        os.write(fd, b"\r")
        drain(fd, 1.0)
        os.write(fd, b"\x15" + str(1000 + i).encode())
        drain(fd, 1.0)
        edits += measure(fd, b"\r", 1)
        undos += measure(fd, b"u", 1)
        os.write(fd, b"r")
        drain(fd, 1.0)
    report(model, "edit (Enter) + recalc", edits)
    report(model, "undo", undos)
    os.write(fd, b"q")
    drain(fd, 1.0)
    os.waitpid(pid, 0)
    os.close(fd)


def main():
    kessan = os.path.abspath(sys.argv[1])
    for model in sys.argv[2:]:
        bench(kessan, model)


if __name__ == "__main__":
    main()
