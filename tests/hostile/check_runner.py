#!/usr/bin/env python3
"""check_runner.py -- the hostile-script runner must fail what it promises
to fail.  A fake kessan (a shell script) misbehaves in one way per script
name: dies by a signal, prints a sanitizer report, hangs, overruns the
timeout, writes the canary outside, writes beside the working directory,
leaves a temporary in the box or in $TMPDIR, exits 2; and behaves for
ok.lua.  run_hostile.py is run on those scripts and every misbehaving one
must be reported FAIL with the reason, ok.lua reported ok.

usage: check_runner.py SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

FAKE_KESSAN = r'''#!/bin/sh
# the last argument is OUTSIDE, the one before it the script
outside=""; script=""
for arg; do script="$outside"; outside="$arg"; done
case "$script" in
  signal.lua)   kill -SEGV $$ ;;
  sanitizer.lua) echo "==1==ERROR: AddressSanitizer: heap-use-after-free" >&2; exit 1 ;;
  ubsan.lua)    echo "x.c:1:2: runtime error: signed integer overflow" >&2; exit 1 ;;
  hang.lua)     exec sleep 30 ;;
  overtime.lua) sleep 3.4; exit 1 ;;
  canary.lua)   echo tampered >> "$outside/canary.csv"; exit 1 ;;
  created.lua)  echo x > "$outside/new.csv"; exit 1 ;;
  beside.lua)   echo x > ../beside.csv; exit 0 ;;
  temporary.lua) echo x > tiny/values.csv.tmp.Ab12Cd; exit 0 ;;
  tmpdir.lua)   echo x > "$TMPDIR/kessan-export-1"; exit 0 ;;
  usage.lua)    exit 2 ;;
  expect_ok.lua) exit 1 ;;
  stderr.lua)   echo "kessan: something else" >&2; exit 1 ;;
  absent.lua)   echo x > real.csv; exit 0 ;;
  ok.lua)       exit 0 ;;
esac
exit 0
'''

# script name -> (header lines, the reason the runner must give)
CASES = {
    "signal.lua": ("", r"killed by signal 11"),
    "sanitizer.lua": ("", r"sanitizer report"),
    "ubsan.lua": ("", r"sanitizer report"),
    "hang.lua": ("", r"hang: killed after 6 s"),
    "overtime.lua": ("", r"ran 3\.\d s under --timeout 2"),
    "canary.lua": ("", r"outside the sandbox: changed canary\.csv"),
    "created.lua": ("", r"outside the sandbox: created new\.csv"),
    "beside.lua": ("", r"created a file beside the working directory"),
    "temporary.lua": ("", r"leaked temporaries: box/work/tiny/values\.csv"
                          r"\.tmp\.Ab12Cd"),
    "tmpdir.lua": ("", r"leaked temporaries: \$TMPDIR/kessan-export-1"),
    "usage.lua": ("", r"exit 2, expected any"),
    "expect_ok.lua": ("-- expect: ok\n", r"exit 1, expected ok"),
    "stderr.lua": ("-- stderr: timeout\n", r"stderr does not match"),
    "absent.lua": ("-- absent: real.csv\n", r"real\.csv exists"),
    "ok.lua": ("-- expect: ok\n", None),
}


def main():
    source = os.path.abspath(sys.argv[1])
    runner = os.path.join(source, "tests", "hostile", "run_hostile.py")
    with tempfile.TemporaryDirectory(prefix="kessan-check-runner-") as top:
        fake = os.path.join(top, "kessan")
        with open(fake, "w") as f:
            f.write(FAKE_KESSAN)
        os.chmod(fake, 0o755)
        scripts = os.path.join(top, "scripts")
        os.mkdir(scripts)
        for name, (header, _) in CASES.items():
            with open(os.path.join(scripts, name), "w") as f:
                f.write(header + "print('x')\n")
        env = dict(os.environ)
        env.pop("HOSTILE_VALGRIND", None)   # the fake is no program to check
        done = subprocess.run([sys.executable, runner, fake, source, scripts,
                               "--jobs", "4"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120, env=env)
        output = done.stdout.decode(errors="replace")
    failures = []
    for name, (_, reason) in CASES.items():
        line = next((l for l in output.splitlines()
                     if re.match(r"(ok|FAIL)\s+\S*/%s\s" % re.escape(name),
                                 l)), None)
        if line is None:
            failures.append("%s: no line in the runner's output" % name)
        elif reason is None and not line.startswith("ok"):
            failures.append("%s: reported %s" % (name, line))
        elif reason is not None and (not line.startswith("FAIL") or
                                     not re.search(reason, line)):
            failures.append("%s: expected FAIL with /%s/, got: %s" % (
                name, reason, line))
    if done.returncode != 1:
        failures.append("the runner exited %d, not 1" % done.returncode)
    for failure in failures:
        print("check_runner: " + failure)
    if failures:
        print(output)
        return 1
    print("check_runner: the runner failed all %d misbehaviours and passed "
          "the one that behaved" % (len(CASES) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
