#!/usr/bin/env python3
"""run_hostile.py -- run the hostile scripts of tests/hostile/ as an
attacker's contributions: each under

    kessan run --sandbox --timeout 2 --max-memory 64 SCRIPT OUTSIDE

in a box of its own, and fail on any broken promise:

  - death by a signal (segfault, abort) or an exit status other than 0 or 1
    (1 is a Lua error: the sandbox or a limit doing its work);
  - a sanitizer report on stderr (AddressSanitizer, LeakSanitizer, UBSan
    "runtime error:");
  - a run longer than the timeout + 1 s (the process is killed at 6 s and
    reported as a hang);
  - a file created, changed or removed outside the allowed directories:
    the script's working directory box/work (with copies of the model
    directories) is allowed; the sibling directory outside/ (a canary
    file, a canary model directory, a FIFO), box/ and the box's root are
    not, and are compared before and after;
  - a temporary file left anywhere in the box (a name with ".tmp." that
    was not there before the run);
  - what the script's header asks for (below) not holding.

Layout of one box (a fresh temporary directory per script):

    ROOT/outside/canary.csv       the file attacks aim at (passed as `...`)
    ROOT/outside/model/           a copy of tests/data/tiny
    ROOT/outside/fifo             a FIFO
    ROOT/tmp/                     the script's $TMPDIR: must stay empty
    ROOT/box/work/                the working directory: the script, the
                                  suite's helper module (hostile.lua, from
                                  lib/: `local H = require "hostile"`),
                                  copies of data/iij (iij/) and
                                  tests/data/* (tiny/, scenarios/, csv/),
                                  and symlinks out:
                                  link_out -> ROOT/outside,
                                  link_canary.csv -> ROOT/outside/canary.csv,
                                  tiny/link_values.csv -> the outside
                                  model's values.csv

The script gets the absolute path of ROOT/outside as its first argument.

Header lines of a script (comments at its top), all optional:

    -- expect: ok | error | usage | any    exit status 0, 1, 2, or 0 or 1
                                          (default any)
    -- stderr: REGEX                      stderr must match (Python re)
    -- options: --timeout 0.5 ...         replace the limit options
    -- setup: bytecode NAME               write a crafted binary chunk
    -- setup: values-dir|values-loop|values-fifo|values-device|values-outside
              MODEL                       replace MODEL/values.csv by a
                                          directory, a symlink loop, a FIFO,
                                          a link to /dev/zero, a link to the
                                          canary
    -- setup: scenarios MODEL N [ROWS]    append N saved scenarios
    -- setup: outside-module NAME         a Lua module NAME.lua in outside/
    -- absent: NAME                       NAME (relative to the working
                                          directory) must not exist after
    -- stdout: full | closed              standard output is /dev/full, or
                                          closed (default: a pipe)
    -- kill-after: SECONDS                five first runs are killed (SIGKILL)
                                          at SECONDS (+ 0.037 s each), then
                                          the script runs
                                          again with "again" as its second
                                          argument; that run is the one
                                          checked, and no temporary may be
                                          left after both

usage: run_hostile.py KESSAN SOURCE_DIR [--jobs N] PATH...
       (PATH: scripts, or directories whose *.lua are run)
Environment: HOSTILE_KEEP=1 keeps the boxes of failing scripts.
HOSTILE_VALGRIND=1 runs kessan under valgrind memcheck (a memory error or
leak exits 99: a failure, except the blocks a process ended by kessan's
watchdog still holds) with every time (the --timeout given, the kill, the
slack) ten times longer; the ctest command sets it when it is itself
started under valgrind (scripts/dev/test --valgrind).
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import signal
import stat
import struct
import subprocess
import sys
import tempfile
import time

TIMEOUT = 2.0
LIMITS = ["--sandbox", "--timeout", "2", "--max-memory", "64"]
KILL_AFTER = 6.0
SANITIZER = re.compile(r"AddressSanitizer|LeakSanitizer|"
                       r"UndefinedBehaviorSanitizer|runtime error:|"
                       r"MemorySanitizer|ThreadSanitizer")
HEADER = re.compile(r"^--\s*(expect|stderr|options|setup|absent|stdout|"
                    r"kill-after):\s*(.*?)\s*$")
MODELS = {"iij": "data/iij", "tiny": "tests/data/tiny",
          "scenarios": "tests/data/scenarios", "csv": "tests/data/csv"}
HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib",
                       "hostile.lua")


def parse_header(path):
    spec = {"expect": "any", "stderr": [], "options": None, "setup": [],
            "absent": [], "stdout": "pipe", "kill-after": None}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.startswith("--"):
                break
            m = HEADER.match(line)
            if not m:
                continue
            key, value = m.groups()
            if key in ("expect", "stdout"):
                spec[key] = value
            elif key == "kill-after":
                spec[key] = float(value)
            elif key == "options":
                spec["options"] = value.split()
            else:
                spec[key].append(value)
    return spec


def crafted_chunk():
    """A Lua 5.4 binary chunk whose code reads constant 131071 and upvalue
    200 of a function that has none: the undumper does not check code, so
    a VM that loads it runs wild."""
    header = (b"\x1bLua\x54\x00\x19\x93\r\n\x1a\n\x04\x08\x08"
              + struct.pack("<q", 0x5678) + struct.pack("<d", 370.5))
    loadk = 3 | (0x1ffff << 15)          # LOADK R0, K[131071]
    getupval = 9 | (1 << 7) | (200 << 24)  # GETUPVAL R1, U[200]
    code = [loadk, getupval, loadk, getupval]
    body = bytes([1,                     # upvalues of the main closure
                  0x80, 0x80, 0x80,      # no source, line 0, 0
                  0, 1, 8,               # params, vararg, stack size
                  0x80 | len(code)])
    body += b"".join(word.to_bytes(4, "little") for word in code)
    body += b"\x80" * 7                  # no constants ... no debug info
    return header + body


def snapshot(top):
    """Every entry under top (not following symlinks): type, size, mtime,
    content digest of regular files, symlink target."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            entry = [stat.S_IFMT(st.st_mode), st.st_mode & 0o7777]
            if stat.S_ISREG(st.st_mode):
                with open(path, "rb") as f:
                    entry += [st.st_size, st.st_mtime_ns,
                              hashlib.sha1(f.read()).hexdigest()]
            elif stat.S_ISLNK(st.st_mode):
                entry.append(os.readlink(path))
            found[os.path.relpath(path, top)] = tuple(entry)
    return found


def differences(before, after):
    changed = []
    for key in sorted(set(before) | set(after)):
        if key not in after:
            changed.append("removed " + key)
        elif key not in before:
            changed.append("created " + key)
        elif before[key] != after[key]:
            changed.append("changed " + key)
    return changed


def prepare(source, script, spec):
    root = tempfile.mkdtemp(prefix="kessan-hostile-")
    outside = os.path.join(root, "outside")
    work = os.path.join(root, "box", "work")
    os.makedirs(outside)
    os.makedirs(work)
    os.makedirs(os.path.join(root, "tmp"))
    with open(os.path.join(outside, "canary.csv"), "w") as f:
        f.write("item,period,value\nrev.a,1Q01,100\n")
    shutil.copytree(os.path.join(source, "tests/data/tiny"),
                    os.path.join(outside, "model"))
    os.mkfifo(os.path.join(outside, "fifo"))
    for name, relative in MODELS.items():
        shutil.copytree(os.path.join(source, relative),
                        os.path.join(work, name))
    os.symlink(outside, os.path.join(work, "link_out"))
    os.symlink(os.path.join(outside, "canary.csv"),
               os.path.join(work, "link_canary.csv"))
    os.symlink(os.path.join(outside, "model", "values.csv"),
               os.path.join(work, "tiny", "link_values.csv"))
    shutil.copy(HELPERS, work)
    for setup in spec["setup"]:
        prepare_setup(script, setup, work, outside)
    shutil.copy(script, work)
    return root, outside, work


def prepare_setup(script, setup, work, outside):
    """One "-- setup:" line: a file the attack needs that a sandboxed
    script cannot make itself."""
    words = setup.split()
    kind, args = words[0], words[1:]
    values = os.path.join(work, args[0], "values.csv") if args else None
    if kind == "bytecode":
        with open(os.path.join(work, args[0]), "wb") as f:
            f.write(crafted_chunk())
    elif kind == "values-dir":          # values.csv is a directory
        os.remove(values)
        os.mkdir(values)
    elif kind == "values-loop":         # values.csv is a symlink loop
        os.remove(values)
        os.symlink("values.csv", values)
    elif kind == "values-fifo":         # values.csv is a FIFO
        os.remove(values)
        os.mkfifo(values)
    elif kind == "values-device":       # values.csv links to /dev/zero
        os.remove(values)
        os.symlink("/dev/zero", values)
    elif kind == "values-outside":      # values.csv links to the canary
        os.remove(values)
        os.symlink(os.path.join(outside, "canary.csv"), values)
    elif kind == "scenarios":           # N saved scenarios of M rows each
        count, rows = int(args[1]), int(args[2]) if len(args) > 2 else 1
        with open(values, "a") as f:
            for i in range(count):
                for j in range(rows):
                    f.write("rev.a,%dQ02,%d,s%d\n" % (j % 3 + 1, i + j, i))
    elif kind == "outside-module":      # a Lua text module outside
        with open(os.path.join(outside, args[0] + ".lua"), "w") as f:
            f.write("return 'loaded from outside the sandbox'\n")
    elif kind == "stale-temporary":     # a temporary an earlier kill left
        with open(os.path.join(work, args[0]), "w") as f:
            f.write("partial")
    else:
        raise SystemExit("%s: unknown setup '%s'" % (script, setup))


def leaked_temporaries(root):
    leaked = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            if ".tmp." in name or name.startswith(".tmp"):
                leaked.append(os.path.relpath(os.path.join(dirpath, name),
                                              root))
    return leaked


def run_process(command, work, kill_after, stdout="pipe", env=None):
    start = time.monotonic()
    target = {"pipe": subprocess.PIPE, "closed": None}.get(stdout)
    full = None
    if stdout == "full":
        full = open("/dev/full", "w")
        target = full
    process = subprocess.Popen(command, cwd=work, stdin=subprocess.DEVNULL,
                               stdout=target, stderr=subprocess.PIPE,
                               start_new_session=True, env=env,
                               preexec_fn=close_stdout if stdout == "closed"
                               else None)
    if full:
        full.close()
    hung = False
    try:
        out, err = process.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        hung = True
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    elapsed = time.monotonic() - start
    return (process.returncode, (out or b"").decode(errors="replace"),
            err.decode(errors="replace"), elapsed, hung)


def close_stdout():
    os.close(1)


def killed_run(command, work, after, env):
    """A first run killed with SIGKILL after `after` seconds (if it is
    still running): what a kill -9 in the middle of a write leaves."""
    process = subprocess.Popen(command, cwd=work, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL,
                               start_new_session=True, env=env)
    try:
        process.wait(timeout=after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# --vgdb=no: valgrind's gdb server makes FIFOs in $TMPDIR, which a run
# killed by SIGKILL (output/06) leaves behind as if kessan had.
VALGRIND = ["valgrind", "--tool=memcheck", "-q", "--error-exitcode=99",
            "--vgdb=no", "--leak-check=full",
            "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible"]


# What kessan prints when its watchdog ends a script that hooks could not
# stop (a finalizer, a long C function of Lua's): the process ends by
# _exit, so valgrind finds the state's blocks still held.
WATCHDOG_END = "did not stop: ended"
VALGRIND_ERROR = re.compile(r"Invalid (read|write|free)|uninitialised|"
                            r"Mismatched free|overlap|Syscall param")


def scaled(options, scale):
    """The options with --timeout's value multiplied by scale."""
    if scale == 1 or "--timeout" not in options:
        return options
    options = list(options)
    i = options.index("--timeout")
    try:
        options[i + 1] = "%g" % (float(options[i + 1]) * scale)
    except (IndexError, ValueError):
        pass
    return options


def timeout_of(options):
    if "--timeout" in options:
        i = options.index("--timeout")
        try:
            return float(options[i + 1])
        except (IndexError, ValueError):
            return TIMEOUT
    return None


def check(kessan, source, script):
    spec = parse_header(script)
    root, outside, work = prepare(source, script, spec)
    options = spec["options"] if spec["options"] is not None else LIMITS
    scale = 10 if os.environ.get("HOSTILE_VALGRIND") == "1" else 1
    options = scaled(options, scale)
    timeout = timeout_of(options)
    before = snapshot(outside)
    box_before = sorted(os.listdir(os.path.join(root, "box")))
    root_before = sorted(os.listdir(root))
    temporaries_before = set(leaked_temporaries(root))
    command = [kessan, "run"] + options + [os.path.basename(script), outside]
    if scale != 1:
        command = VALGRIND + command
    env = dict(os.environ, TMPDIR=os.path.join(root, "tmp"))
    if spec["kill-after"] is not None:
        for i in range(5):   # five kills, each at a slightly later moment
            killed_run(command, work, (spec["kill-after"] + 0.037 * i) * scale,
                       env)
        command = command + ["again"]
    code, out, err, elapsed, hung = run_process(command, work,
                                                KILL_AFTER * scale,
                                                spec["stdout"], env)
    problems = []
    if hung:
        problems.append("hang: killed after %.0f s" % (KILL_AFTER * scale))
    elif code < 0:
        problems.append("killed by signal %d (%s)" % (
            -code, signal.Signals(-code).name))
    elif timeout is not None and timeout > 0 and \
            elapsed > timeout + 1 * scale:
        problems.append("ran %.1f s under --timeout %g" % (elapsed, timeout))
    if SANITIZER.search(err):
        problems.append("sanitizer report")
    if scale != 1 and code == 99:
        if WATCHDOG_END in err and not VALGRIND_ERROR.search(err):
            # the watchdog's _exit frees nothing by design: its blocks
            # are "possibly lost", not errors
            code = 1
        else:
            problems.append("valgrind report")
    expected = {"ok": {0}, "error": {1}, "usage": {2}, "any": {0, 1}}
    if not hung and code >= 0 and code not in expected[spec["expect"]]:
        problems.append("exit %d, expected %s" % (code, spec["expect"]))
    for pattern in spec["stderr"]:
        if not re.search(pattern, err):
            problems.append("stderr does not match /%s/" % pattern)
    changed = differences(before, snapshot(outside))
    if changed:
        problems.append("outside the sandbox: " + ", ".join(changed[:5]))
    if sorted(os.listdir(os.path.join(root, "box"))) != box_before or \
       sorted(os.listdir(root)) != root_before:
        problems.append("created a file beside the working directory")
    leaked = [name for name in leaked_temporaries(root)
              if name not in temporaries_before]
    leaked += ["$TMPDIR/" + name
               for name in os.listdir(os.path.join(root, "tmp"))]
    if leaked:
        problems.append("leaked temporaries: " + ", ".join(leaked[:5]))
    for name in spec["absent"]:
        if os.path.lexists(os.path.join(work, name)):
            problems.append("%s exists" % name)
    if problems and os.environ.get("HOSTILE_KEEP") == "1":
        problems.append("box kept in " + root)
    else:
        shutil.rmtree(root, ignore_errors=True)
    return script, problems, elapsed, code, err


def collect(paths):
    scripts = []
    for path in paths:
        if os.path.isdir(path):
            scripts += sorted(os.path.join(path, name)
                              for name in os.listdir(path)
                              if name.endswith(".lua"))
        else:
            scripts.append(path)
    return scripts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kessan")
    parser.add_argument("source")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    kessan = os.path.abspath(args.kessan)
    source = os.path.abspath(args.source)
    scripts = collect(args.paths)
    failed = 0
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [pool.submit(check, kessan, source, os.path.abspath(s))
                   for s in scripts]
        for future in futures:
            script, problems, elapsed, code, err = future.result()
            name = os.path.relpath(script, os.path.join(source, "tests"))
            if not problems:
                print("ok    %-52s exit %d %5.2f s" % (name, code, elapsed))
                continue
            failed += 1
            print("FAIL  %-52s exit %d %5.2f s: %s" % (
                name, code, elapsed, "; ".join(problems)))
            tail = err.strip().splitlines()[:8]
            for line in tail:
                print("      | " + line[:200])
    print("hostile: %d scripts, %d failed, %.1f s" % (
        len(scripts), failed, time.monotonic() - start))
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
