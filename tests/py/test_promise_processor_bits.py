# tests/py/test_promise_processor_bits.py -- docs/simulate.md ("How it
# runs"): the simulation's hot loops are compiled once for each kind of
# x86-64 processor (the baseline, AVX2, and x86-64-v4 with AVX-512) and
# the loader picks one; "all three give the same bits".  Tried with
# random simulations of every distribution, correlation, sampling and
# stop rule, a run through every operation of the formula language
# (tests/lua/simulation_fingerprints.lua), and guidance-mc, each run
# natively and under QEMU's user-mode emulator as older processors.
#
# The C library picks versions of its own of exp, log and pow (FMA ones
# where the processor has FMA and AVX2), which may differ in a last bit,
# so each comparison holds the C library's choice fixed and changes only
# ours:
#   native (x86-64-v4 where the processor has AVX-512, else AVX2) against
#     an emulated Haswell (AVX2 and FMA: the AVX2 version);
#   an emulated Haswell without FMA (the AVX2 version) against an
#     emulated Nehalem (no AVX: the baseline).
# A build with one version of each loop (the sanitizers, coverage, a
# compiler other than GCC) has nothing to compare: the test checks it
# has indeed one.
import os
import re
import shutil
import subprocess
import sys

KESSAN = os.path.abspath(sys.argv[1])
BUILD = os.path.abspath(sys.argv[2])
HOT = "ks_rng_normals"
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)


def versions():
    """The compiled versions of one hot loop in the program: the suffixes
    GCC's target_clones gives them (default, avx2, arch_x86_64_v4)."""
    done = subprocess.run(["nm", KESSAN], capture_output=True, text=True,
                          check=True)
    found = set()
    for line in done.stdout.splitlines():
        name = line.split()[-1]
        if name.startswith(HOT + "."):
            found.add(name[len(HOT) + 1:])
    found.discard("resolver")
    return found


def native_version():
    with open("/proc/cpuinfo") as cpuinfo:
        flags = set()
        for line in cpuinfo:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    v4 = {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}
    if v4 <= flags:
        return "arch_x86_64_v4"
    return "avx2" if "avx2" in flags else "default"


def run(emulated_cpu, arguments):
    command = [KESSAN, "run"] + arguments
    if emulated_cpu:
        command = ["qemu-x86_64", "-cpu", emulated_cpu] + command
    done = subprocess.run(command, capture_output=True, text=True,
                          timeout=240)
    # QEMU warns of host features it cannot emulate: not the program's
    stderr = "\n".join(line for line in done.stderr.splitlines()
                       if not line.startswith("qemu-x86_64: warning"))
    check(done.returncode == 0 and not stderr,
          f"{emulated_cpu or 'native'} {' '.join(arguments)}: exit "
          f"{done.returncode}: {stderr[-500:]}")
    return done.stdout


def first_difference(got, expected):
    """Where two runs' lines first differ: the line's head, the field
    and both words."""
    for got_line, expected_line in zip(got.splitlines(),
                                       expected.splitlines()):
        if got_line == expected_line:
            continue
        got_words, expected_words = got_line.split(), expected_line.split()
        for at, (a, b) in enumerate(zip(got_words, expected_words)):
            if a != b:
                return (f"{expected_line[:90]!r}...: field {at}: "
                        f"{a} against {b}")
        return f"{expected_line[:90]!r}...: {len(got_words)} fields " \
               f"against {len(expected_words)}"
    return f"{len(got.splitlines())} lines against " \
           f"{len(expected.splitlines())}"


WORKLOADS = [
    ["tests/lua/simulation_fingerprints.lua", "8"],
    ["scripts/mc_guidance.lua", "20000", "3"],
    ["scripts/mc_guidance.lua", "20000", "4", "1", "lhs"],
]

# (what runs A, its CPU, what runs B, its CPU): the same C library
# versions on both sides
PAIRS = [
    ("native", None, "avx2", "Haswell"),
    ("avx2", "Haswell,-fma", "default", "Nehalem"),
]


def main():
    found = versions()
    if not found:
        # one version of each loop: the sanitizers, coverage, or clang
        check(subprocess.run(["nm", KESSAN], capture_output=True,
                             text=True).stdout.count(" " + HOT) >= 1,
              f"{HOT} is not in {KESSAN} at all")
        print(f"one version of the hot loops in this build ({HOT} has "
              "no target_clones suffix): nothing to compare")
        return
    check(found == {"default", "avx2", "arch_x86_64_v4"},
          f"the versions of {HOT}: {sorted(found)}, expected default, "
          "avx2 and arch_x86_64_v4")
    if not shutil.which("qemu-x86_64"):
        if os.environ.get("CI") == "true":
            print("qemu-x86_64 not found (Debian's qemu-user; "
                  "scripts/dev/setup installs it)", file=sys.stderr)
            sys.exit(1)
        print("skipped: qemu-x86_64 not found")
        sys.exit(77)
    native = native_version()
    print(f"natively this processor runs the {native} version")
    for workload in WORKLOADS:
        outputs = {}
        failed_before = len(failures)
        for first_name, first_cpu, second_name, second_cpu in PAIRS:
            first = outputs.get(first_cpu) or run(first_cpu, workload)
            second = outputs.get(second_cpu) or run(second_cpu, workload)
            outputs[first_cpu], outputs[second_cpu] = first, second
            if first_name == "native":
                first_name = native
            check(first.strip() != "", f"{workload}: no output")
            check(first == second,
                  f"{' '.join(workload)}: the {first_name} version and "
                  f"the {second_name} version differ: "
                  f"{first_difference(first, second)}")
        if len(failures) > failed_before:
            continue
        print(f"{' '.join(workload)}: "
              f"{len(outputs[None].splitlines())} lines, "
              f"{len(outputs[None].split())} fields, the same bits")


if __name__ == "__main__":
    main()
    if failures:
        for failure in failures:
            print("FAIL:", failure, file=sys.stderr)
        sys.exit(1)
    print("ok")
