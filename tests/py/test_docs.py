# test_docs.py -- the examples of the documentation run, and show what the
# program prints.  Every docs/*.md, README.md, examples/README.md and
# examples/*/README.md is read for examples (the convention is in
# docs/README.md, "Examples that run"): shell sessions (`$ kessan ...`
# lines and the output after each) and fenced Lua blocks (with the output
# shown in the ```output block that follows).  Each page runs, block
# after block, in a scratch copy of the tree's data/, scripts/, examples/
# and tests/data/, and the output is compared line by line with what the
# page shows.
#
#     python3 tests/py/test_docs.py KESSAN_PROGRAM [BUILD_DIR] [PAGE.md...]
#
# KESSAN_DOCS_UPDATE=1 rewrites the shown output in place with what the
# program printed (keeping the `...` elisions), for review with git diff.
# A mismatch is reported as PAGE:LINE with a diff; the exit status is 1
# when any example failed.
import concurrent.futures
import difflib
import errno
import fcntl
import glob
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PAGES = ["README.md", "examples/README.md", "examples/*/README.md",
         "docs/*.md"]
COPIED = ["data", "scripts", "examples", "tests/data"]
# A block that runs longer is stopped and fails (a command waiting for a
# terminal, say); generous, for the suite under valgrind.
BLOCK_TIMEOUT = float(os.environ.get("KESSAN_DOCS_TIMEOUT", "600"))
MARK = "\x1edocs-test"
SHELL_INFOS = ("", "console", "shell", "sh", "bash", "text")


# ---- reading a page --------------------------------------------------------

class Block:
    """A code block of a page: its lines (without the block's indentation),
    where they are in the file, and how the page marked it."""

    def __init__(self, kind, info, lines, first, indent):
        self.kind = kind          # "indented" or "fenced"
        self.info = info          # the fence's info string ("" if none)
        self.lines = lines        # the code lines, indentation removed
        self.first = first        # 0-based file line of the first code line
        self.indent = indent      # the indentation removed, as text
        self.directive = None     # (verb, argument, lines) of a comment before
        self.directive_line = None
        self.fence_line = first - 1 if kind == "fenced" else None
        self.output = None        # for a Lua block: its ```output block


DIRECTIVE = re.compile(r"^\s*<!--\s*run:\s*(\S+)\s*(.*?)\s*(-->)?\s*$")
VERBS = ("skip", "no-compare", "file", "setup")


def read_blocks(lines):
    """The code blocks of a page, in order, with their directives."""
    blocks = []
    directive = None
    i = 0
    previous_blank = True
    while i < len(lines):
        line = lines[i]
        match = DIRECTIVE.match(line)
        if match:
            verb, argument, closed = match.group(1), match.group(2), match.group(3)
            start = i
            body = []
            if not closed:
                i += 1
                while i < len(lines) and "-->" not in lines[i]:
                    body.append(lines[i])
                    i += 1
            directive = (verb, argument, body, start)
            i += 1
            previous_blank = True         # the comment ends a block
            continue
        fence = re.match(r"^(\s*)(```+|~~~+)\s*([^`]*?)\s*$", line)
        if fence:
            indent, marker, info = fence.groups()
            body = []
            j = i + 1
            while j < len(lines) and not re.match(
                    r"^\s*" + re.escape(marker[0]) + "{%d,}\\s*$" % len(marker),
                    lines[j]):
                body.append(lines[j][len(indent):]
                            if lines[j].startswith(indent) else lines[j].lstrip())
                j += 1
            block = Block("fenced", info, body, i + 1, indent)
            block.end = j                      # the closing fence's line
            attach(block, directive)
            directive = None
            blocks.append(block)
            i = j + 1
            previous_blank = False
            continue
        indent = re.match(r"^( {4,})\S", line)
        if indent and previous_blank:
            width = len(indent.group(1))
            j = i
            while j < len(lines) and (not lines[j].strip()
                                      or len(lines[j]) - len(lines[j].lstrip(" ")) >= width):
                j += 1
            while j > i and not lines[j - 1].strip():
                j -= 1
            body = [l[width:] for l in lines[i:j]]
            block = Block("indented", "", body, i, " " * width)
            block.end = j
            attach(block, directive)
            directive = None
            blocks.append(block)
            i = j
            previous_blank = False
            continue
        if line.strip():
            directive = None if not line.strip().startswith("<!--") else directive
        previous_blank = not line.strip()
        i += 1
    for k, block in enumerate(blocks):
        if block.info == "lua" and k + 1 < len(blocks) \
                and blocks[k + 1].info == "output":
            block.output = blocks[k + 1]
    return blocks


def attach(block, directive):
    if directive:
        block.directive = directive[:3]
        block.directive_line = directive[3]


# ---- comparing -------------------------------------------------------------

def is_ellipsis(line):
    return line.strip() == "..."


def normalized(lines):
    """What is compared: lines with tabs as a terminal shows them (to the
    next multiple of 8 columns), without trailing white space, without
    trailing empty lines."""
    out = [l.expandtabs(8).rstrip() for l in lines]
    while out and not out[-1]:
        out.pop()
    return out


def segments(shown):
    """Shown output as runs of literal lines between `...` lines."""
    runs, current = [], []
    for line in shown:
        if is_ellipsis(line):
            runs.append(current)
            current = []
        else:
            current.append(line)
    runs.append(current)
    return runs


def line_matches(shown, actual):
    """A shown line against a printed one: equal, or equal but for the
    `...` inside the shown line, each standing for any text."""
    if shown == actual:
        return True
    if "..." not in shown:
        return False
    pattern = ".*".join(re.escape(part) for part in shown.split("..."))
    return re.fullmatch(pattern, actual, re.S) is not None


def runs_match(run, actual, position):
    return len(actual) - position >= len(run) and all(
        line_matches(a, b) for a, b in zip(run, actual[position:]))


def matches(shown, actual):
    """Whether actual output matches the shown output, each `...` line
    standing for any number of lines (none included)."""
    shown, actual = normalized(shown), normalized(actual)
    runs = segments(shown)
    if len(runs) == 1:
        return len(shown) == len(actual) and runs_match(shown, actual, 0)
    first, last, middle = runs[0], runs[-1], runs[1:-1]
    if not runs_match(first, actual, 0):
        return False
    position = len(first)
    for run in middle:
        found = find_run(run, actual, position)
        if found < 0:
            return False
        position = found + len(run)
    if not last:
        return True
    tail = len(actual) - len(last)
    return tail >= position and runs_match(last, actual, tail)


def find_run(run, actual, start):
    for p in range(start, len(actual) - len(run) + 1):
        if runs_match(run, actual, p):
            return p
    return -1


def kept(run, window):
    """The printed lines of a window, but the shown line where it still
    matches (so that an elided line stays elided)."""
    out = [s if line_matches(s, a) else a for s, a in zip(run, window)]
    return out + window[len(run):]


def similarity(a, b):
    return difflib.SequenceMatcher(None, a[:60], b[:60]).ratio()


def projected(shown, actual):
    """The shown output as it should read now: each run of shown lines
    replaced by the actual lines where it fits best (the first run at the
    start, the last at the end, the others in order between), `...` lines
    kept.  Without `...`, the actual output itself."""
    shown, actual = normalized(shown), normalized(actual)
    runs = segments(shown)
    if len(runs) == 1:
        return kept(shown, actual) if len(shown) == len(actual) else actual
    ellipses = [l for l in shown if is_ellipsis(l)]
    result = []
    position = 0
    tail_start = len(actual) - len(runs[-1])
    for k, run in enumerate(runs):
        if k == 0:
            take = actual[:len(run)]
            position = len(take)
        elif k == len(runs) - 1:
            take = actual[max(position, tail_start):] if run else []
        else:
            best, best_score = position, -1.0
            limit = max(position, len(actual) - len(run))
            for p in range(position, limit + 1):
                window = actual[p:p + len(run)]
                score = sum(similarity(a, b) for a, b in zip(run, window))
                if score > best_score:
                    best, best_score = p, score
            take = actual[best:best + len(run)]
            position = best + len(take)
        result.extend(kept(run, take) if len(take) == len(run) else take)
        if k < len(ellipses):
            result.append(ellipses[k])
    return result


# ---- running ---------------------------------------------------------------

def run_in_terminal(argv, cwd, env):
    """Run argv with standard output and error on one pseudo-terminal, as
    a user at a terminal sees them (in the order written, line by line);
    standard input is empty.  Returns (status, text).  Without
    pseudo-terminals, through a pipe (output then comes in the order the
    program flushes it)."""
    try:
        master, slave = pty.openpty()
    except OSError:
        return run_in_pipe(argv, cwd, env)
    attributes = termios.tcgetattr(slave)
    attributes[1] &= ~termios.OPOST           # no "\n" -> "\r\n"
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                               stdout=slave, stderr=slave,
                               start_new_session=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + BLOCK_TIMEOUT
    timed_out = False
    while True:
        if time.monotonic() > deadline:
            timed_out = True
            os.killpg(process.pid, 9)
            break
        try:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if process.poll() is not None and not select.select([master], [], [], 0.05)[0]:
                    break
                continue
            data = os.read(master, 65536)
        except OSError as e:
            if e.errno == errno.EIO:
                break
            raise
        if not data:
            break
        chunks.append(data)
    os.close(master)
    status = process.wait()
    text = b"".join(chunks).decode("utf-8", "replace")
    if timed_out:
        text += "\n[docs-test: stopped after %g s]\n" % BLOCK_TIMEOUT
        status = -9
    return status, without_progress(text)


# The progress bar a simulation draws on a terminal once it has run a
# second (lua/binding/lsimulate.c): "\rsimulate [###...] 37% 372736/1000000
# trials" over and over, then a newline.  Whether it shows depends on the
# machine's speed (a sanitizer or valgrind build shows it where a release
# build does not), so it is taken out of what is compared, bars and their
# newline, and nothing else.
PROGRESS_BAR = re.compile(
    r"(?:\r?simulate \[[#.]{40}\] +\d+% \d+/\d+ trials)+\r?\n?")


def without_progress(text):
    return PROGRESS_BAR.sub("", text)


def run_in_pipe(argv, cwd, env):
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=BLOCK_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        text = (e.output or b"").decode("utf-8", "replace")
        return -9, text + "\n[docs-test: stopped after %g s]\n" % BLOCK_TIMEOUT
    return done.returncode, without_progress(
        done.stdout.decode("utf-8", "replace"))


REPL_PROMPTS = ("kessan> ", ">> ")


def repl_inputs(shown):
    """The lines typed at the prompts of a shown repl transcript."""
    return [line[len(p):] for line in shown for p in REPL_PROMPTS
            if line.startswith(p) or line == p.rstrip()]


def session_commands(block, page):
    """The commands of a shell session block and the output shown after
    each: [(line index in block, command, [shown lines], repl inputs)].
    A block that starts at the repl prompt (`kessan> `) continues the
    page's last `kessan repl` session: it runs that command again with
    the block's lines typed in, its banner left out."""
    commands = []
    k = 0
    lines = block.lines
    if is_repl_continuation(block):
        shown = list(lines)
        return [(-1, page.last_repl or "kessan repl", shown,
                 repl_inputs(shown))]
    while k < len(lines):
        if lines[k].startswith("$ "):
            start = k
            command = lines[k][2:]
            while command.endswith("\\") and k + 1 < len(lines):
                k += 1
                command = command[:-1] + "\n" + lines[k]
            k += 1
            shown = []
            while k < len(lines) and not lines[k].startswith("$ "):
                shown.append(lines[k])
                k += 1
            inputs = None
            if re.match(r"^kessan repl\b", command):
                page.last_repl = command
                inputs = repl_inputs(shown)
            commands.append((start, command, shown, inputs))
        else:
            k += 1
    return commands


def is_repl_continuation(block):
    first = next((l for l in block.lines if l.strip()), "")
    return first.startswith(REPL_PROMPTS[0])


def repl_transcript(lines, inputs):
    """The repl's output as a terminal shows it: each typed line after its
    prompt (whether or not the line editor echoed it), the last empty
    prompt (end of input) left out."""
    out = []
    pending = list(inputs)
    for line in lines:
        prompt = next((p for p in REPL_PROMPTS if line.startswith(p)), None)
        if prompt is None or not pending:
            out.append(line)
            continue
        typed = pending.pop(0)
        rest = line[len(prompt):]
        out.append((prompt + typed).rstrip())
        if rest.startswith(typed):
            rest = rest[len(typed):]
        if rest.strip():
            out.append(rest)
    if out and out[-1].rstrip() in [p.rstrip() for p in REPL_PROMPTS]:
        out.pop()
    return out


def is_session(block):
    if block.info.split(" ")[0] not in SHELL_INFOS:
        return False
    for line in block.lines:
        if line.strip():
            return line.startswith("$ ") or is_repl_continuation(block)
    return False


class Page:
    def __init__(self, path, relative):
        self.path = path
        self.relative = relative
        with open(path, encoding="utf-8") as f:
            self.lines = f.read().split("\n")
        self.blocks = read_blocks(self.lines)
        self.failures = []
        self.replacements = []    # (first line, end line, new lines)
        self.examples = 0
        self.last_repl = None
        self.home = None
        # the page's Lua blocks run as a script of this name in the scratch
        # copy, so that a Lua error names the page
        self.script_name = (relative if not relative.startswith("..")
                            else os.path.basename(path))
        self.slowest = (0.0, None)

    def fail(self, line, what, detail=""):
        self.failures.append("%s:%d: %s%s" % (self.relative, line + 1, what,
                                              ("\n" + detail) if detail else ""))


def diff_text(shown, wanted):
    return "\n".join(difflib.unified_diff(
        normalized(shown), wanted, "shown", "printed", lineterm="", n=2))


def compare(page, line, shown, actual, block_indent, first, end):
    """Compare one example's output; record a failure and the update.
    The scratch copy's parent directory reads as /home/me (the copy
    itself as /home/me/w)."""
    if page.home:
        actual = [l.replace(page.home, SHOWN_HOME) for l in actual]
    if matches(shown, actual):
        return
    wanted = projected(shown, actual)
    page.fail(line, "the output differs from what the page shows",
              diff_text(shown, wanted))
    page.replacements.append((first, end, [
        (block_indent + l) if l else "" for l in wanted]))


HEREDOC = "__DOCS_TYPED__"


def run_session(page, block, scratch, env):
    commands = session_commands(block, page)
    script = ["exec 2>&1"]
    for index, (_, command, _, inputs) in enumerate(commands):
        script.append("__docs_status=$?; printf '%s %d %%d\\n' $__docs_status; "
                      "(exit $__docs_status)" % (MARK, index))
        if inputs is None:
            script.append(command)
        else:
            script.append("%s <<'%s'" % (command, HEREDOC))
            script.extend(inputs)
            script.append(HEREDOC)
    script.append("printf '%s end %%d\\n' $?" % MARK)
    status, text = run_in_terminal(["bash", "--noprofile", "--norc", "-c",
                                    "\n".join(script)], scratch, env)
    pieces = split_marked(text)
    statuses = {}
    outputs = {}
    for name, code, lines in pieces:
        outputs[name] = lines
        statuses[name] = code
    names = [str(i) for i in range(len(commands))] + ["end"]
    continuation = is_repl_continuation(block)
    for index, (start, command, shown, inputs) in enumerate(commands):
        line = block.first + max(start, 0)
        if names[index + 1] not in outputs:
            page.fail(line, "`%s` did not finish" % command, text)
            return
        actual = outputs[names[index]]
        if inputs is not None:
            actual = repl_transcript(actual, inputs)
            if continuation and actual:
                actual = actual[1:]           # the banner
        code = statuses[names[index + 1]]
        directive = block.directive[0] if block.directive else None
        no_output_shown = not normalized(shown)
        if directive == "no-compare" or no_output_shown:
            if code != 0:
                page.fail(line, "`%s` exited %d" % (command, code),
                          "\n".join(actual))
            continue
        first = block.first + start + 1
        end = first + len(shown)
        # keep the blank lines that separate this output from the next command
        while end > first and not block.lines[end - 1 - block.first].strip():
            end -= 1
        compare(page, line, shown, actual, block.indent, first, end)


def split_marked(text):
    pieces = []
    current = None
    for line in text.split("\n"):
        if line.startswith(MARK + " "):
            fields = line.split(" ")
            current = [fields[1], int(fields[2]), []]
            pieces.append(current)
        elif current is not None:
            current[2].append(line)
    for piece in pieces:
        while piece[2] and piece[2][-1] == "":
            piece[2].pop()
    return pieces


def lua_script(page, earlier, group):
    """A script of the page's Lua blocks up to the group's last, each at
    its own line of the page (so that an error names the page's line);
    each block of the group prints a marker on its fence line first."""
    lines = [""] * len(page.lines)
    for block in earlier + group:
        for k, code in enumerate(block.lines):
            lines[block.first + k] = code
    for index, block in enumerate(group):
        lines[block.fence_line] = "print(%r)" % ("%s %d" % (MARK, index))
    return "\n".join(lines) + "\n"


def run_lua(page, group, earlier, scratch, env):
    """Run a group of Lua blocks that follow each other (no other example
    between them) in one process, after the page's earlier Lua blocks."""
    script = os.path.join(scratch, page.script_name)
    os.makedirs(os.path.dirname(script), exist_ok=True)
    with open(script, "w", encoding="utf-8") as f:
        f.write(lua_script(page, earlier, group))
    status, text = run_in_terminal([env["KESSAN"], "run", page.script_name],
                                   scratch, env)
    os.remove(script)
    outputs = {}
    current = None
    for line in text.split("\n"):
        if line.startswith(MARK + " "):
            current = int(line.split(" ")[1])
            outputs[current] = []
        elif current is not None:
            outputs[current].append(line)
    stopped = max(outputs) if outputs else -1   # the block running at the end
    for index, block in enumerate(group):
        if index not in outputs:
            where = (group[stopped].fence_line + 1 if stopped >= 0
                     else "before the first")
            page.fail(block.fence_line, "did not run: the Lua block at line %s"
                      " failed" % where)
            return
        actual = outputs[index]
        directive = block.directive[0] if block.directive else None
        if index == stopped and status != 0:
            page.fail(block.fence_line, "the Lua block failed (%s)"
                      % exit_text(status), "\n".join(actual))
            continue
        if block.output is None or directive == "no-compare":
            continue
        output = block.output
        compare(page, output.fence_line, output.lines, actual, output.indent,
                output.first, output.end)


def exit_text(status):
    return ("exit %d" % status if status >= 0
            else "killed by signal %d" % -status)


def write_file(page, block, scratch, name, lines):
    path = os.path.normpath(os.path.join(scratch, name))
    if not path.startswith(scratch + os.sep):
        page.fail(block.directive_line, "file %s: outside the scratch copy" % name)
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + ("\n" if lines else ""))


SHOWN_HOME = "/home/me"     # the scratch copy's parent, as output shows it


def run_page(page, kessan):
    if not any(is_session(b) or b.info == "lua" or b.directive
               for b in page.blocks):
        report_stray_commands(page)
        return                          # nothing to run: no scratch copy
    home = tempfile.mkdtemp(prefix="kessan-docs-")
    scratch = os.path.join(home, "w")
    os.mkdir(scratch)
    page.home = os.path.realpath(home)
    try:
        for folder in COPIED:
            source = os.path.join(SOURCE, folder)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(scratch, folder),
                                symlinks=True)
        bin_dir = os.path.join(scratch, ".docs-bin")
        os.makedirs(bin_dir)
        os.symlink(kessan, os.path.join(bin_dir, "kessan"))
        env = dict(os.environ)
        # HOME is the scratch copy's parent: the repl's history and
        # anything else written to ~ stays out of the user's home
        env.update(PATH=bin_dir + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
                   KESSAN=kessan, LC_ALL="C.UTF-8", TERM="dumb", COLUMNS="200",
                   HOME=home, KESSAN_HISTORY=os.path.join(home, ".kessan_history"))
        report_stray_commands(page)
        earlier_lua = []
        outputs = {id(b.output) for b in page.blocks if b.output}
        steps = []
        for block in page.blocks:
            verb = block.directive[0] if block.directive else None
            if verb is not None and verb not in VERBS:
                page.fail(block.directive_line,
                          "unknown directive 'run: %s' (one of %s)"
                          % (verb, ", ".join(VERBS)))
                continue
            if verb in ("skip", "no-compare") and not block.directive[1]:
                page.fail(block.directive_line,
                          "'run: %s' needs a reason after it" % verb)
            if verb == "skip" or id(block) in outputs:
                continue
            if verb == "file":
                steps.append(("file", block))
            elif is_session(block):
                steps.append(("session", block))
            elif block.info == "lua":
                steps.append(("lua", block))
        k = 0
        while k < len(steps):
            kind, block = steps[k]
            k += 1
            if block.directive and block.directive[0] == "setup":
                setup(page, block, scratch, env)
            if kind == "file":
                write_file(page, block, scratch, block.directive[1], block.lines)
                continue
            started = time.monotonic()
            if kind == "session":
                page.examples += 1
                run_session(page, block, scratch, env)
            else:
                group = [block]
                while (k < len(steps) and steps[k][0] == "lua"
                       and not (steps[k][1].directive
                                and steps[k][1].directive[0] == "setup")):
                    group.append(steps[k][1])
                    k += 1
                page.examples += len(group)
                run_lua(page, group, earlier_lua, scratch, env)
                earlier_lua.extend(group)
            took = time.monotonic() - started
            if took > page.slowest[0]:
                page.slowest = (took, (block.fence_line if block.fence_line
                                       is not None else block.first) + 1)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def report_stray_commands(page):
    """A `$ kessan` line that is in no block the runner reads (a code
    block that Markdown does not see as one) would never run: say so."""
    covered = set()
    for block in page.blocks:
        covered.update(range(block.first, block.first + len(block.lines)))
    for number, line in enumerate(page.lines):
        if re.match(r"^\s*\$ kessan\b", line) and number not in covered:
            page.fail(number, "a command outside any code block: it does not"
                      " run (a blank line before an indented block?)")


def setup(page, block, scratch, env):
    """`<!-- run: setup` ... `-->`: shell lines run before the block."""
    commands = block.directive[2]
    status, text = run_in_terminal(["bash", "--noprofile", "--norc", "-e",
                                    "-c", "\n".join(commands)], scratch, env)
    if status != 0:
        page.fail(block.directive_line, "the setup failed (exit %d)" % status,
                  text)


def update(page):
    lines = page.lines
    for first, end, new in sorted(page.replacements, reverse=True):
        lines[first:end] = new
    with open(page.path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main(argv):
    if len(argv) < 2:
        print("usage: test_docs.py KESSAN_PROGRAM [BUILD_DIR] [PAGE.md...]",
              file=sys.stderr)
        return 2
    kessan = os.path.abspath(argv[1])
    chosen = [a for a in argv[2:] if a.endswith(".md")]
    if chosen:
        paths = [os.path.abspath(a) for a in chosen]
    else:
        paths = sorted(p for pattern in PAGES
                       for p in glob.glob(os.path.join(SOURCE, pattern)))
    updating = os.environ.get("KESSAN_DOCS_UPDATE") == "1"
    failed = 0
    examples = 0
    started = time.monotonic()
    missing = [p for p in paths if not os.path.isfile(p)]
    for path in missing:
        print("%s: no such page" % path, file=sys.stderr)
    failed += len(missing)
    pages = [Page(p, os.path.relpath(p, SOURCE)) for p in paths
             if p not in missing]
    # two pages at a time (each waits on its examples' processes); the
    # reports in the pages' order
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda page: run_page(page, kessan), pages))
    for page in pages:
        examples += page.examples
        for failure in page.failures:
            print(failure + "\n", file=sys.stderr)
        failed += len(page.failures)
        if updating and page.replacements:
            update(page)
            print("%s: %d example(s) updated" % (page.relative,
                                                len(page.replacements)))
        if page.slowest[1] is not None and page.slowest[0] > 1.0:
            print("%s:%d: the slowest example, %.1f s" % (
                page.relative, page.slowest[1], page.slowest[0]))
    print("%d examples in %d pages, %d failure(s), %.1f s" % (
        examples, len(paths), failed, time.monotonic() - started))
    if failed and not updating:
        print("A page shows what the program no longer prints.  If the"
              " program is right (a deliberate change),\n"
              "  KESSAN_DOCS_UPDATE=1 python3 tests/py/test_docs.py %s"
              " [PAGE.md...]\nrewrites the shown output; review it with git"
              " diff (docs/README.md, \"Examples that run\")."
              % os.path.relpath(kessan), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
