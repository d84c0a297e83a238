"""The cron examples (examples/*.sh) run as cron runs them: under `env -i` with only
PATH=/usr/bin:/bin and the variables each script documents (issue 14 "Cron", issue 15 item 4)."""

import fcntl
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CRON_PATH = "/usr/bin:/bin"  # what cron gives a job
SCRIPTS = ["weekly-overdue.sh", "nightly-import.sh", "weekly-reports.sh"]

pytestmark = [
    pytest.mark.slow,  # shell scripts in subprocesses
    pytest.mark.skipif(
        not (Path("/bin/sh").exists() and shutil.which("env", path=CRON_PATH)),
        reason="needs a POSIX shell and env(1)",
    ),
]
needs_flock = pytest.mark.skipif(
    shutil.which("flock", path=CRON_PATH) is None, reason="needs flock(1) in /usr/bin:/bin"
)


def wrapper(path: Path, delay: float = 0) -> Path:
    """An xlgl for XLGL_BIN: the venv's console script (else `python -m xlgl`), importing this
    checkout's xlgl whatever the venv's own install points at."""
    console = Path(sys.executable).parent / "xlgl"
    command = [str(console)] if console.exists() else [sys.executable, "-m", "xlgl"]
    lines = ["#!/bin/sh", f"PYTHONPATH={shlex.quote(str(REPO))}", "export PYTHONPATH"]
    if delay:
        lines.append(f"sleep {delay}")
    lines.append(f'exec {shlex.join(command)} "$@"')
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def xlgl_bin(tmp_path) -> Path:
    (tmp_path / "bin").mkdir()
    return wrapper(tmp_path / "bin" / "xlgl")


@pytest.fixture
def env(xlgl_bin, ledger_path) -> dict[str, str]:
    """What a crontab line gives the script: cron's PATH, XLGL_BIN and XLGL_DB; nothing else."""
    return {"PATH": CRON_PATH, "XLGL_BIN": str(xlgl_bin), "XLGL_DB": str(ledger_path)}


def command(script: str, env: dict[str, str]) -> list[str]:
    return ["env", "-i", *(f"{k}={v}" for k, v in env.items()), "sh", str(EXAMPLES / script)]


def run(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command(script, env), capture_output=True, text=True, timeout=120, cwd="/"
    )


def history_rows(ledger_path: Path) -> list[str]:
    """The ledger's records as CSV lines, read by the CLI (not by the scripts under test)."""
    result = subprocess.run(
        [sys.executable, "-m", "xlgl", "--db", str(ledger_path), "history", "--format", "csv"],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[1:]


def fake_command(directory: Path, name: str, record: Path) -> None:
    """A stand-in for mail(1)/mutt: writes its arguments and its input to `record`."""
    directory.mkdir(exist_ok=True)
    script = directory / name
    script.write_text(f'#!/bin/sh\n{{ echo "$@"; cat; }} > {shlex.quote(str(record))}\n')
    script.chmod(0o755)


# --- weekly-overdue.sh ---------------------------------------------------------------------------


def test_weekly_overdue_writes_a_report_only_when_something_is_overdue(env, tmp_path):
    reports = tmp_path / "reports"
    env = env | {"XLGL_REPORT_DIR": str(reports)}

    early = run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2024-01-15"})
    assert (early.returncode, early.stdout, early.stderr) == (0, "", "")  # a quiet run is silent
    assert list(reports.iterdir()) == []  # nothing overdue in January: no file, no mail

    late = run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2025-01-25"})
    assert late.returncode == 0, late.stderr
    report = reports / "overdue-2025-01-25.txt"
    assert late.stdout == f"{report}\n" and late.stderr == ""
    text = report.read_text(encoding="utf-8")
    assert "coal-output" in text and "逾期" in text
    assert "\x1b[" not in text  # plain text for a mail
    assert sorted(p.name for p in reports.iterdir()) == ["overdue-2025-01-25.txt"]  # no .partial


@pytest.mark.parametrize("spelling", ["at_risk", "at-risk", "预警"])
def test_weekly_overdue_takes_at_risk_in_either_spelling(env, tmp_path, ledger_path, spelling):
    # 0.5亿吨 of a 1.4亿吨 year at the end of September: behind time, not yet overdue.
    recorded = subprocess.run(
        [sys.executable, "-m", "xlgl", "--db", str(ledger_path), "record", "coal-output",
         "0.5亿吨", "--as-of", "2024-09-30"],
        capture_output=True, text=True, env=os.environ | {"PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    reports = tmp_path / "reports"
    env = env | {"XLGL_REPORT_DIR": str(reports), "XLGL_AS_OF": "2024-09-30"}
    result = run("weekly-overdue.sh", env | {"XLGL_ONLY": spelling})
    assert result.returncode == 0, result.stderr
    text = (reports / "overdue-2024-09-30.txt").read_text(encoding="utf-8")
    assert "coal-output" in text and "预警" in text
    assert "key-projects-ready" not in text  # overdue since April: not an at-risk target


def test_weekly_overdue_passes_on_a_ledger_error(env, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a ledger" * 20)
    env = env | {"XLGL_DB": str(broken), "XLGL_REPORT_DIR": str(tmp_path / "reports")}
    result = run("weekly-overdue.sh", env)
    assert result.returncode == 4
    assert "不是 SQLite" in result.stderr and "Traceback" not in result.stderr
    assert "台账不可用（退出码 4）" in result.stderr and "找不到 xlgl" not in result.stderr
    assert list((tmp_path / "reports").iterdir()) == []


@pytest.mark.skipif(
    shutil.which("mail", path=CRON_PATH) is not None, reason="mail is installed here"
)
def test_weekly_overdue_warns_when_mail_is_missing(env, tmp_path):
    reports = tmp_path / "reports"
    env = env | {"XLGL_REPORT_DIR": str(reports), "XLGL_MAIL_TO": "duchashi@example.org"}

    quiet = run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2024-01-15"})
    assert quiet.returncode == 0
    assert "XLGL_MAIL_TO" in quiet.stderr and "找不到 mail" in quiet.stderr  # even on a quiet week

    late = run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2025-01-25"})
    assert late.returncode == 0
    assert "找不到 mail" in late.stderr and "不会寄出" in late.stderr
    assert late.stdout == f"{reports / 'overdue-2025-01-25.txt'}\n"  # the report is still written


def test_weekly_overdue_mails_the_report(env, tmp_path):
    sent = tmp_path / "sent.txt"
    fake_command(tmp_path / "mailbin", "mail", sent)
    env = env | {
        "PATH": f"{tmp_path / 'mailbin'}:{CRON_PATH}",
        "XLGL_REPORT_DIR": str(tmp_path / "reports"),
        "XLGL_MAIL_TO": "duchashi@example.org",
    }
    assert not run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2024-01-15"}).stderr
    assert not sent.exists()  # nothing overdue: no mail

    result = run("weekly-overdue.sh", env | {"XLGL_AS_OF": "2025-01-25"})
    assert result.returncode == 0 and result.stderr == ""
    mail = sent.read_text(encoding="utf-8")
    assert mail.startswith("-s xlgl 逾期目标 2025-01-25 duchashi@example.org\n")
    assert "coal-output" in mail


# --- nightly-import.sh ---------------------------------------------------------------------------


def test_nightly_import_imports_good_files_and_logs_rejected_ones(env, tmp_path, ledger_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "coal.csv").write_bytes(
        "target,value,as_of,source\ncoal-output,1.07亿吨,2024-09-30,盟统计局\n".encode("gb18030")
    )
    (inbox / "bad.csv").write_text(
        "target,value,as_of\nurban-jobs,0.5,2024-06-30\nno-such,1,2024-06-30\nurban-jobs,x,2024-06-30\n",
        encoding="utf-8",
    )
    result = run("nightly-import.sh", env | {"XLGL_INBOX": str(inbox)})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"nightly-import: 拒收 bad.csv，原因见 {inbox}/import.log"
    ]

    log = (inbox / "import.log").read_text(encoding="utf-8")
    assert "导入成功 coal.csv" in log and "拒收 bad.csv（一行也未导入）" in log
    assert "第 3 行" in log and "第 4 行" in log and "Traceback" not in log
    assert log.splitlines()[-1].endswith("本次结束：导入 1 个文件，拒收 1 个")
    assert [p.name.endswith("coal.csv") for p in (inbox / "done").iterdir()] == [True]
    assert [p.name.endswith("bad.csv") for p in (inbox / "failed").iterdir()] == [True]
    assert not list(inbox.glob("*.csv"))
    assert len(history_rows(ledger_path)) == 1  # the one good file's row

    again = run("nightly-import.sh", env | {"XLGL_INBOX": str(inbox)})
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")  # a quiet night
    last = (inbox / "import.log").read_text(encoding="utf-8").splitlines()[-1]
    assert last.endswith("本次结束：收件箱里没有 CSV")


def test_nightly_import_leaves_files_when_the_ledger_is_locked(env, tmp_path, ledger_path):
    import sqlite3

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "coal.csv").write_text("target,value,as_of\ncoal-output,1,2024-09-30\n")
    holder = sqlite3.connect(ledger_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run("nightly-import.sh", env | {"XLGL_INBOX": str(inbox), "XLGL_TIMEOUT": "0.3"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 4
    assert (inbox / "coal.csv").exists()  # tried again tomorrow
    assert "台账不可用（退出码 4），coal.csv 留在收件箱" in result.stderr
    assert "台账不可用（退出码 4），coal.csv 留在收件箱" in (inbox / "import.log").read_text()


@needs_flock
def test_two_overlapping_nightly_imports_import_each_row_once(tmp_path, ledger_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "figures.csv").write_text(
        "target,value,as_of\ncoal-output,1.07亿吨,2024-09-30\nurban-jobs,0.8,2024-09-30\n",
        encoding="utf-8",
    )
    slow = wrapper(tmp_path / "slow-xlgl", delay=1.5)  # each import holds the inbox 1.5 s or more
    env = {"PATH": CRON_PATH, "XLGL_BIN": str(slow), "XLGL_DB": str(ledger_path)}
    env |= {"XLGL_INBOX": str(inbox)}
    runs = [
        subprocess.Popen(command("nightly-import.sh", env), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    outputs = [p.communicate(timeout=120) for p in runs]

    assert [p.returncode for p in runs] == [0, 0]
    assert outputs == [("", ""), ("", "")]  # two quiet runs
    rows = history_rows(ledger_path)
    assert len(rows) == 2 and sum("coal-output" in r for r in rows) == 1
    log = (inbox / "import.log").read_text(encoding="utf-8").splitlines()
    assert sum("导入成功 figures.csv" in line for line in log) == 1
    ends = [line for line in log if "本次结束" in line]
    assert len(ends) == 2
    assert any(e.endswith("本次结束：导入 1 个文件，拒收 0 个") for e in ends)
    assert any("本次结束：收件箱里没有 CSV（先等上一次运行结束" in e for e in ends)
    assert len(list((inbox / "done").iterdir())) == 1 and not list(inbox.glob("*.csv"))


@needs_flock
def test_nightly_import_gives_up_after_waiting_for_an_earlier_run(env, tmp_path, ledger_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "coal.csv").write_text("target,value,as_of\ncoal-output,1,2024-09-30\n")
    lock = ledger_path.parent / f"{ledger_path.name}.nightly-import.lock"  # beside the ledger
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        started = time.monotonic()
        result = run("nightly-import.sh", env | {"XLGL_INBOX": str(inbox), "XLGL_LOCK_WAIT": "1"})
        waited = time.monotonic() - started
    assert result.returncode == 75
    assert 1 <= waited < 30
    assert "上一次运行仍未结束" in result.stderr and "等了 1 秒" in result.stderr
    assert "上一次运行仍未结束" in (inbox / "import.log").read_text(encoding="utf-8")
    assert (inbox / "coal.csv").exists() and history_rows(ledger_path) == []


def test_nightly_import_without_flock_warns_and_still_imports(env, tmp_path, ledger_path):
    tools = tmp_path / "tools"  # a PATH with what the script uses, except flock
    tools.mkdir()
    for name in ("sh", "date", "mkdir", "dirname", "basename", "mv", "rm"):
        found = shutil.which(name, path=CRON_PATH)
        assert found, name
        (tools / name).symlink_to(found)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "coal.csv").write_text("target,value,as_of\ncoal-output,1,2024-09-30\n")
    result = run("nightly-import.sh", env | {"PATH": str(tools), "XLGL_INBOX": str(inbox)})
    assert result.returncode == 0
    assert (
        result.stderr
        == "nightly-import: 警告：没有 flock 命令，本次运行未加锁，两次运行重叠时可能重复导入\n"
    )
    assert len(history_rows(ledger_path)) == 1


# --- every script: xlgl not found, or found but unable to run ------------------------------------


def script_env(script: str, tmp_path: Path) -> dict[str, str]:
    """The settings a script needs besides XLGL_BIN and XLGL_DB, with a CSV waiting."""
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "coal.csv").write_text("target,value,as_of\ncoal-output,1,2024-09-30\n")
    return {"XLGL_INBOX": str(inbox), "XLGL_REPORT_DIR": str(tmp_path / "reports")}


@pytest.mark.parametrize("script", SCRIPTS)
def test_xlgl_not_found_is_127_and_said_so(script, env, tmp_path):
    env = env | script_env(script, tmp_path) | {"XLGL_BIN": str(tmp_path / "no" / "xlgl")}
    result = run(script, env)
    assert result.returncode == 127
    assert "找不到 xlgl" in result.stderr and "XLGL_PATH" in result.stderr
    assert "台账不可用" not in result.stderr and "LEDGER UNUSABLE" not in result.stderr
    if script == "nightly-import.sh":
        log = (tmp_path / "inbox" / "import.log").read_text(encoding="utf-8")
        assert "找不到 xlgl（退出码 127）" in log and "台账不可用" not in log
        assert (tmp_path / "inbox" / "coal.csv").exists()


@pytest.mark.skipif(
    shutil.which("xlgl", path=CRON_PATH) is not None
    or os.access("/opt/xlgl/.venv/bin/xlgl", os.X_OK),
    reason="an xlgl is installed where cron would find it",
)
@pytest.mark.parametrize("script", SCRIPTS)
def test_bare_cron_environment_without_xlgl_bin_is_127(script, ledger_path, tmp_path):
    env = {"PATH": CRON_PATH, "XLGL_DB": str(ledger_path)} | script_env(script, tmp_path)
    result = run(script, env)
    assert result.returncode == 127
    assert "找不到 xlgl" in result.stderr and "PATH=/usr/bin:/bin" in result.stderr


@pytest.mark.parametrize("script", SCRIPTS)
def test_xlgl_that_cannot_run_is_127(script, env, tmp_path):
    broken = tmp_path / "broken-xlgl"  # the venv it was installed into has gone
    broken.write_text("#!/nonexistent/venv/bin/python3\n")
    broken.chmod(0o755)
    result = run(script, env | script_env(script, tmp_path) | {"XLGL_BIN": str(broken)})
    assert result.returncode == 127
    assert "无法运行 xlgl" in result.stderr and "台账不可用" not in result.stderr
    if script == "nightly-import.sh":
        assert (tmp_path / "inbox" / "coal.csv").exists()


# --- weekly-reports.sh ---------------------------------------------------------------------------


def test_weekly_reports_prints_the_three_files(env, tmp_path):
    reports = tmp_path / "reports"
    env = env | {"XLGL_REPORT_DIR": str(reports), "XLGL_AS_OF": "2024-09-30"}
    result = run("weekly-reports.sh", env)
    assert result.returncode == 0, result.stderr
    names = ["台账-2024-09-30.xlsx", "通报-2024-09-30.html", "通报-2024-09-30.md"]
    assert result.stdout.splitlines() == [str(reports / n) for n in names]
    assert result.stderr == ""
    assert sorted(p.name for p in reports.iterdir()) == sorted(names)
    assert (reports / names[0]).read_bytes()[:2] == b"PK"  # an xlsx is a zip


@pytest.mark.skipif(
    shutil.which("mutt", path=CRON_PATH) is not None, reason="mutt is installed here"
)
def test_weekly_reports_warns_when_mutt_is_missing(env, tmp_path):
    env = env | {"XLGL_REPORT_DIR": str(tmp_path / "reports"), "XLGL_MAIL_TO": "a@example.org"}
    result = run("weekly-reports.sh", env)
    assert result.returncode == 0
    assert "找不到 mutt" in result.stderr and "不会寄出" in result.stderr
    assert len(result.stdout.splitlines()) == 3  # the files are still written


def test_weekly_reports_says_which_step_failed(env, tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a ledger" * 20)
    env = env | {"XLGL_DB": str(broken), "XLGL_REPORT_DIR": str(tmp_path / "reports")}
    result = run("weekly-reports.sh", env)
    assert result.returncode == 4 and result.stdout == ""
    assert "台账失败：台账不可用（退出码 4）" in result.stderr
    assert list((tmp_path / "reports").iterdir()) == []


# --- the README's crontab ------------------------------------------------------------------------


def readme_crontab() -> list[str]:
    """The commands of the ```cron block in the README's "Scheduled scripts" section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Scheduled scripts\n", 1)[1].split("\n## ", 1)[0]
    block = section.split("```cron\n", 1)[1].split("```", 1)[0]
    jobs = [line for line in block.splitlines() if line[:1].isdigit() or line[:1] == "*"]
    return [line.split(None, 5)[5] for line in jobs]  # five schedule fields, then the command


def test_the_readme_crontab_lines_work_under_cron(tmp_path, ledger_path, xlgl_bin):
    jobs = readme_crontab()
    assert len(jobs) == 4 and all("/opt/xlgl/.venv/bin/xlgl" in job for job in jobs)
    srv = tmp_path / "srv"
    srv.mkdir()
    for job in jobs:
        job = (
            job.replace("/opt/xlgl/.venv/bin/xlgl", str(xlgl_bin))
            .replace("/opt/xlgl/examples", str(EXAMPLES))
            .replace("/srv/xlgl/ledger.db", str(ledger_path))
            .replace("/srv/xlgl", str(srv))
        )
        # cron runs each command with /bin/sh -c, PATH=/usr/bin:/bin, HOME, LOGNAME and SHELL
        result = subprocess.run(
            ["env", "-i", f"PATH={CRON_PATH}", f"HOME={tmp_path}", "LOGNAME=xlgl",
             "SHELL=/bin/sh", "/bin/sh", "-c", job],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, (job, result.stderr)
        assert result.stderr == "", job
    assert (srv / "overdue.csv").read_text(encoding="utf-8").startswith("id,")
    assert len(list((srv / "reports").iterdir())) == 3
    assert (srv / "inbox" / "import.log").exists()
