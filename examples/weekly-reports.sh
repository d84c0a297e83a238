#!/bin/sh
# Weekly 台账 workbook and 督查通报 for cron: the two files supervision staff attach to a mail.
#
# CHANGE THIS LINE (改这一行) to the full path of xlgl in the venv it was installed into:
XLGL_PATH=/opt/xlgl/.venv/bin/xlgl
# (cron's PATH is only /usr/bin:/bin, so a bare `xlgl` is usually not found; XLGL_BIN overrides.)
#
# Builds, for the as-of date (default today), in $XLGL_REPORT_DIR:
#   台账-DATE.xlsx   the workbook: 汇总 (counts, per section), 目标 (every target), 记录 (figures)
#   通报-DATE.html   the bulletin: one self-contained page (prints on A4, reads on a phone)
#   通报-DATE.md     the same bulletin as Markdown (the mail's text)
# Each file is written whole or not at all. With XLGL_MAIL_TO set and mutt installed, mails the
# Markdown as the text with the workbook and the HTML attached. One run at a time: a second run
# waits for the first (flock on a lock file beside the ledger, at most XLGL_LOCK_WAIT seconds).
#
# Prints the three files' paths on stdout, one a line, on every successful run (so cron mails them
# to the crontab's owner; add >/dev/null to the crontab line for silence). On stderr: xlgl's
# one-line error and a line saying which step failed; a warning when XLGL_MAIL_TO is set but mutt
# is not installed or fails (the files are still written, exit 0); a warning when flock is missing.
# Exit codes: 0 done; 2 bad usage or setting; 4 the ledger (or the report directory or lock file)
# cannot be used; 70 a bug in xlgl; 75 an earlier run still held the lock after XLGL_LOCK_WAIT
# seconds; 127 xlgl not found or cannot run.
#
#   # crontab -e: every Friday at 17:00
#   0 17 * * 5  XLGL_DB=/srv/xlgl/ledger.db XLGL_REPORT_DIR=/srv/xlgl/reports /opt/xlgl/examples/weekly-reports.sh
#
# Settings (environment):
#   XLGL_BIN         the xlgl to run (else XLGL_PATH above if it exists, else `xlgl` on PATH)
#   XLGL_DB          the ledger (else xlgl's default)
#   XLGL_REPORT_DIR  where the files go (default $HOME/xlgl-reports)
#   XLGL_AS_OF       the date to judge (default today)
#   XLGL_MAIL_TO     mail the files to this address (needs mutt)
#   XLGL_LOCK_DIR    where the run lock goes (default: the ledger's directory)
#   XLGL_LOCK_WAIT   seconds to wait for an earlier run to finish (default 600)
set -u
me=weekly-reports

# --- xlgl: $XLGL_BIN, else XLGL_PATH above, else `xlgl` on PATH ---------------------------------
if [ -n "${XLGL_BIN:-}" ]; then
    xlgl=$XLGL_BIN
elif [ -x "$XLGL_PATH" ]; then
    xlgl=$XLGL_PATH
else
    xlgl=xlgl
fi
case $xlgl in */*) ;; *) xlgl=$(command -v "$xlgl") || xlgl= ;; esac
if [ -z "$xlgl" ] || [ -d "$xlgl" ] || [ ! -x "$xlgl" ]; then
    echo "$me: 找不到 xlgl（退出码 127）：XLGL_BIN=${XLGL_BIN:-未设}，脚本开头的 XLGL_PATH=$XLGL_PATH，PATH=$PATH" >&2
    exit 127
fi

if [ -n "${XLGL_MAIL_TO:-}" ] && ! command -v mutt >/dev/null 2>&1; then
    echo "$me: 警告：设了 XLGL_MAIL_TO=$XLGL_MAIL_TO，但找不到 mutt 命令（PATH=$PATH），文件不会寄出" >&2
fi

if [ -n "${XLGL_REPORT_DIR:-}" ]; then
    report_dir=$XLGL_REPORT_DIR
elif [ -n "${HOME:-}" ]; then
    report_dir=$HOME/xlgl-reports
else
    echo "$me: 没有 HOME，请设 XLGL_REPORT_DIR" >&2
    exit 2
fi
as_of=${XLGL_AS_OF:-$(date +%Y-%m-%d)}

# --- one run at a time: a lock beside the ledger, or in XLGL_LOCK_DIR ----------------------------
lock_wait=${XLGL_LOCK_WAIT:-600}
case $lock_wait in '' | *[!0-9]*)
    echo "$me: XLGL_LOCK_WAIT 应是整数秒，现为“$lock_wait”" >&2
    exit 2
    ;;
esac
if [ -n "${XLGL_LOCK_DIR:-}" ]; then
    lock_dir=$XLGL_LOCK_DIR && mkdir -p "$lock_dir" 2>/dev/null
elif [ -n "${XLGL_DB:-}" ]; then
    lock_dir=$(dirname "$XLGL_DB") # not created: a ledger in a missing directory is an error
elif [ -n "${XDG_DATA_HOME:-}${HOME:-}" ]; then
    lock_dir=${XDG_DATA_HOME:-${HOME:-}/.local/share}/xlgl && mkdir -p "$lock_dir" 2>/dev/null
else
    echo "$me: 不知道台账在哪，请设 XLGL_DB" >&2
    exit 2
fi
lock=$lock_dir/$(basename "${XLGL_DB:-ledger.db}").$me.lock
if command -v flock >/dev/null 2>&1; then
    if ! (: >>"$lock") 2>/dev/null; then
        if [ ! -d "$lock_dir" ]; then
            echo "$me: 目录不存在：$lock_dir" >&2
        else
            echo "$me: 无法建立锁文件 $lock（可设 XLGL_LOCK_DIR 指向一个可写的目录）" >&2
        fi
        exit 4
    fi
    exec 9>>"$lock"
    if ! flock -w "$lock_wait" 9; then
        echo "$me: 上一次运行仍未结束（锁 $lock），等了 $lock_wait 秒，本次未运行（退出码 75）" >&2
        exit 75
    fi
else
    echo "$me: 警告：没有 flock 命令，本次运行未加锁" >&2
fi

# --- the files -----------------------------------------------------------------------------------
if ! mkdir -p "$report_dir" 2>/dev/null || [ ! -w "$report_dir" ]; then
    echo "$me: 无法在报告目录 $report_dir 写入文件" >&2
    exit 4
fi
workbook="$report_dir/台账-$as_of.xlsx"
page="$report_dir/通报-$as_of.html"
text="$report_dir/通报-$as_of.md"

# run STEP ARGS...: run xlgl; on failure say which step failed and exit with a code from the list.
run() {
    step=$1
    shift
    "$xlgl" "$@" >/dev/null
    code=$?
    case $code in
    0) return 0 ;;
    126 | 127) echo "$me: 无法运行 xlgl（$xlgl，退出码 $code）" >&2 && exit 127 ;;
    2) what="用法或设置有误" ;;
    4) what="台账不可用" ;;
    70) what="xlgl 内部错误" ;;
    *) what="xlgl 意外退出" ;;
    esac
    echo "$me: ${step}失败：$what（退出码 $code）" >&2
    exit "$code"
}
run 台账 export --format xlsx --as-of "$as_of" -o "$workbook"
run 通报 report --format html --as-of "$as_of" -o "$page"
run 通报 report --format markdown --as-of "$as_of" -o "$text"

if [ -n "${XLGL_MAIL_TO:-}" ] && command -v mutt >/dev/null 2>&1; then
    if ! mutt -s "督查通报（截至 $as_of）" -a "$workbook" "$page" -- "$XLGL_MAIL_TO" <"$text"; then
        echo "$me: 警告：mutt 未能寄出文件给 $XLGL_MAIL_TO" >&2
    fi
fi
printf '%s\n' "$workbook" "$page" "$text"
