"""The README's example sessions are the program's real output: every ```console block is run, in
order, on a fresh default ledger at 100 columns, and what it prints must be what the README shows.

After a change that alters the output on purpose, rewrite the blocks with
`XLGL_README_WRITE=1 python -m pytest tests/test_readme.py` and read the diff.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)
HOME_SHOWN = "/home/you/.local/share"

pytestmark = pytest.mark.slow  # a process per command


def sessions(text: str) -> list[tuple[re.Match, list[tuple[str, str]]]]:
    """Each console block with its (command, expected output) pairs."""
    found = []
    for block in BLOCK.finditer(text):
        pairs: list[tuple[str, str]] = []
        for line in block.group(1).splitlines():
            if line.startswith("$ "):
                pairs.append((line[2:], ""))
            elif pairs:
                command, out = pairs[-1]
                pairs[-1] = (command, out + line + "\n")
        found.append((block, pairs))
    return found


RECORDED_AT = re.compile(r"\b\d{4}-\d\d-\d\d \d\d:\d\d\b")


def unclocked(text: str) -> str:
    """The output without the times records were entered (`pending`'s 录入时间, to the minute):
    they are the clock of the run, the only part of a session that is not the program's answer."""
    return RECORDED_AT.sub("YYYY-MM-DD HH:MM", text)


def run(command: str, home: Path, cwd: Path = ROOT) -> str:
    words = shlex.split(command)
    assert words[0] == "xlgl", command
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home),
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("XLGL_DB", None)
    done = subprocess.run(
        [sys.executable, "-m", "xlgl", *words[1:]],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return done.stdout.replace(str(home), HOME_SHOWN)


def test_the_readme_sessions_print_what_the_readme_shows(tmp_path):
    text = README.read_text(encoding="utf-8")
    found = sessions(text)
    assert found, "the README has no console session"
    home = tmp_path / "home"
    work = tmp_path / "work"  # the sessions' folder: files they write (draft.toml) land here
    work.mkdir()
    for name in ("tests", "seed", "docs", "examples"):
        (work / name).symlink_to(ROOT / name)
    rewritten, last = [], 0
    for block, pairs in found:
        body = ""
        for command, expected in pairs:
            actual = run(command, home, work)
            if not os.environ.get("XLGL_README_WRITE"):
                assert unclocked(actual) == unclocked(expected), (
                    f"README: `{command}` prints\n{actual}"
                )
            body += f"$ {command}\n{actual}"
        rewritten.append(text[last : block.start(1)] + body)
        last = block.end(1)
    if os.environ.get("XLGL_README_WRITE"):
        README.write_text("".join(rewritten) + text[last:], encoding="utf-8")


def test_files_the_readme_names_exist():
    text = README.read_text(encoding="utf-8")
    for name in re.findall(r"`((?:docs|examples|tests/data|seed|bench)/[^`\s]+)`", text):
        assert (ROOT / name).exists(), name
