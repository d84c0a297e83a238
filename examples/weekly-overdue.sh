#!/bin/sh
# Weekly overdue report (逾期督办周报) for cron.
#
# CHANGE THIS LINE (改这一行) to the full path of xlgl in the venv it was installed into:
XLGL_PATH=/opt/xlgl/.venv/bin/xlgl
# (cron's PATH is only /usr/bin:/bin, so a bare `xlgl` is usually not found; XLGL_BIN overrides.)
#
# Writes the list of overdue targets to $XLGL_REPORT_DIR/overdue-DATE.txt, and mails it, only when
# something is overdue: `xlgl overdue --exit-code` exits 1 when it lists a target, 0 when there is
# none. One run at a time: a second run waits for the first (flock on a lock file beside the
# ledger, at most XLGL_LOCK_WAIT seconds).
#
# Prints nothing on stdout when nothing is overdue, and the report's path when it wrote one. On
# stderr (which cron mails): xlgl's one-line error and a line saying which step failed; a warning
# when XLGL_MAIL_TO is set but mail(1) is not installed (on every run, so a quiet week still tells
# you) or mail fails; a warning when flock is not installed.
# Exit codes: 0 done (with or without a report); 2 bad usage or setting; 4 the ledger (or the report
# directory or lock file) cannot be used; 70 a bug in xlgl; 75 an earlier run still held the lock
# after XLGL_LOCK_WAIT seconds; 127 xlgl not found or cannot run.
#
#   # crontab -e: every Monday at 08:00
#   0 8 * * 1  XLGL_DB=/srv/xlgl/ledger.db XLGL_MAIL_TO=duchashi@example.org /opt/xlgl/examples/weekly-overdue.sh
#
# Settings (environment):
#   XLGL_BIN         the xlgl to run (else XLGL_PATH above if it exists, else `xlgl` on PATH)
#   XLGL_DB          the ledger (else xlgl's default)
#   XLGL_REPORT_DIR  where reports go (default $HOME/xlgl-reports)
#   XLGL_MAIL_TO     mail the report to this address with mail(1)
#   XLGL_AS_OF       the date to judge (default today)
#   XLGL_ONLY        overdue (default; also 逾期) or at-risk (also at_risk, 预警); empty for both
#   XLGL_LOCK_DIR    where the run lock goes (default: the ledger's directory)
#   XLGL_LOCK_WAIT   seconds to wait for an earlier run to finish (default 600)
set -u
me=weekly-overdue

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

if [ -n "${XLGL_MAIL_TO:-}" ] && ! command -v mail >/dev/null 2>&1; then
    echo "$me: 警告：设了 XLGL_MAIL_TO=$XLGL_MAIL_TO，但找不到 mail 命令（PATH=$PATH），报告不会寄出" >&2
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
only=${XLGL_ONLY-overdue}
case $only in
overdue | 逾期) only=overdue ;;
at-risk | at_risk | 预警) only=at-risk ;;
esac # anything else goes to xlgl as written, which refuses it (exit 2) naming the choices

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

# --- the report ----------------------------------------------------------------------------------
report="$report_dir/overdue-$as_of.txt"
partial="$report.partial"
if ! { mkdir -p "$report_dir" && (: >"$partial"); } 2>/dev/null; then
    echo "$me: 无法在报告目录 $report_dir 写入文件" >&2
    exit 4
fi

if [ -n "$only" ]; then
    "$xlgl" overdue --as-of "$as_of" --only "$only" --exit-code >"$partial"
else
    "$xlgl" overdue --as-of "$as_of" --exit-code >"$partial"
fi
code=$?

case $code in
0) # nothing overdue: no file, no mail
    rm -f "$partial"
    exit 0
    ;;
1) # something is overdue: keep the report, mail it
    mv "$partial" "$report" || exit 4
    if [ -n "${XLGL_MAIL_TO:-}" ] && command -v mail >/dev/null 2>&1; then
        if ! mail -s "xlgl 逾期目标 $as_of" "$XLGL_MAIL_TO" <"$report"; then
            echo "$me: 警告：mail 未能寄出报告给 $XLGL_MAIL_TO，报告在 $report" >&2
        fi
    fi
    echo "$report"
    exit 0
    ;;
126 | 127)
    rm -f "$partial"
    echo "$me: 无法运行 xlgl（$xlgl，退出码 $code）" >&2
    exit 127
    ;;
*) # xlgl already said why on stderr (one line)
    rm -f "$partial"
    case $code in
    2) what="用法或设置有误" ;;
    4) what="台账不可用" ;;
    70) what="xlgl 内部错误" ;;
    *) what="xlgl 意外退出" ;;
    esac
    echo "$me: xlgl overdue 失败：$what（退出码 $code）" >&2
    exit "$code"
    ;;
esac
