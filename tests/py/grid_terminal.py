# tests/py/grid_terminal.py -- a program in a pseudo-terminal read by a
# terminal emulator (pyte), for the tests of the grid and the REPL
# (test_grid*.py, test_repl*.py): keystrokes in, the screen's text out,
# resizes (TIOCSWINSZ and SIGWINCH), and the raw bytes the program wrote,
# to check that it gave the terminal back (the alternate screen left, the
# cursor shown).
import fcntl
import os
import resource
import select
import signal
import struct
import sys
import termios
import time

try:
    import pyte
except ImportError:
    # Debian's python3-pyte, when another python3 comes first in PATH
    sys.path.append("/usr/lib/python3/dist-packages")
    try:
        import pyte
    except ImportError:  # the caller decides: skip, or fail under CI
        pyte = None

# Under valgrind (the suite's memcheck traces this process too) everything
# is many times slower: so are the waits.
SLOW = 20 if "vgpreload" in os.environ.get("LD_PRELOAD", "") else 1

KEYS = {
    # the keypad's application mode (curses turns it on: smkx)
    "up": "\x1bOA", "down": "\x1bOB", "right": "\x1bOC", "left": "\x1bOD",
    "pgup": "\x1b[5~", "pgdn": "\x1b[6~", "home": "\x1bOH", "end": "\x1bOF",
    "del": "\x1b[3~", "enter": "\r", "esc": "\x1b", "tab": "\t",
    "btab": "\x1b[Z", "ctrl-c": "\x03",
}


def need_pyte():
    """Exit 77 (skip) without pyte, unless under CI, where it fails."""
    if pyte is None:
        print("pyte is not installed (python3-pyte)")
        sys.exit(1 if os.environ.get("CI") == "true" else 77)


class Terminal:
    """argv run in a pty of `columns` x `lines`, its output fed to pyte."""

    def __init__(self, argv, columns=80, lines=24, env=None):
        need_pyte()
        self.columns, self.lines = columns, lines
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        environment = dict(os.environ)
        environment.update({"TERM": "xterm-256color", "LANG": "C.UTF-8",
                            "LC_ALL": "C.UTF-8"})
        for name in ("NO_COLOR", "COLUMNS", "LINES"):
            environment.pop(name, None)
        if env:
            environment.update(env)
        # the size is set before the program starts, so that it reads it
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ,
                    struct.pack("HHHH", lines, columns, 0, 0))
        pid = os.fork()
        if pid == 0:
            try:
                os.close(master)
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if slave > 2:
                    os.close(slave)
                os.execve(argv[0], argv, environment)
            finally:
                os._exit(127)
        os.close(slave)
        self.pid, self.fd = pid, master
        self.status = None

    # ---- size ---------------------------------------------------------------
    def set_size(self, columns, lines, signal_child=True):
        self.columns, self.lines = columns, lines
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ,
                    struct.pack("HHHH", lines, columns, 0, 0))
        self.screen.resize(lines, columns)
        if signal_child:
            os.kill(self.pid, signal.SIGWINCH)

    # ---- reading ------------------------------------------------------------
    def pump(self, seconds=0.05):
        """Read what the program wrote for up to `seconds` of quiet."""
        seconds *= SLOW
        end = time.time() + seconds
        while True:
            left = end - time.time()
            if left <= 0:
                return
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.raw += data
            self.stream.feed(data)
            end = time.time() + seconds

    def text(self):
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, needle, timeout=5.0):
        """Pump until `needle` is on the screen; the screen's text."""
        end = time.time() + timeout * SLOW
        while time.time() < end:
            self.pump(0.05)
            if needle in self.text():
                return self.text()
            if self.exited():
                break
        raise AssertionError("%r never showed; the screen:\n%s"
                             % (needle, self.text()))

    def settle(self, seconds=0.15):
        self.pump(seconds)
        return self.text()

    # ---- writing ------------------------------------------------------------
    def send(self, *keys):
        for key in keys:
            os.write(self.fd, KEYS.get(key, key).encode("utf-8"))
            time.sleep(0.02)

    def type_line(self, text):
        self.send(text, "enter")

    # ---- the end ------------------------------------------------------------
    def exited(self):
        if self.status is not None:
            return True
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            return False
        self.status = status
        return True

    def wait_exit(self, timeout=5.0):
        end = time.time() + timeout * SLOW
        while time.time() < end:
            self.pump(0.05)
            if self.exited():
                self.pump(0.05)
                return os.waitstatus_to_exitcode(self.status)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        raise AssertionError("the program did not end; the screen:\n"
                             + self.text())

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        if not self.exited():
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        try:
            os.close(self.fd)
        except OSError:
            pass

    def restored(self):
        """The terminal given back: after the last entry to the alternate
        screen, the program left it and showed the cursor."""
        raw = self.raw
        entered = raw.rfind(b"\x1b[?1049h")
        if entered < 0:
            return False
        after = raw[entered:]
        return b"\x1b[?1049l" in after and b"\x1b[?25h" in after


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def run_tests(names):
    """Run every test_* function of a test file's globals, in name order."""
    need_pyte()
    for name, test in sorted(names.items()):
        if name.startswith("test_") and callable(test):
            test()
            print("ok", name)
