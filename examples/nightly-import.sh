#!/bin/sh
# Nightly CSV import (每晚导入统计数据) for cron.
#
# CHANGE THIS LINE (改这一行) to the full path of xlgl in the venv it was installed into:
XLGL_PATH=/opt/xlgl/.venv/bin/xlgl
# (cron's PATH is only /usr/bin:/bin, so a bare `xlgl` is usually not found; XLGL_BIN overrides.)
#
# Imports every *.csv in the inbox with `xlgl record --file`, one file at a time. Each file goes in
# whole or not at all: an imported file moves to done/, a rejected file (exit 2: bad rows) moves to
# failed/ and the reason, one line per bad row with its line number, is appended to the log. If
# the ledger cannot be used (exit 4: locked past the timeout, damaged), the file stays in the inbox
# for the next night and the script stops. Every run ends with one summary line in the log.
#
# One run at a time: the script holds a lock (flock) on LEDGER.nightly-import.lock beside the
# ledger (or in XLGL_LOCK_DIR) for the whole run, and lists the inbox only once it holds it, so a
# second run started while the first is still importing waits for it (at most XLGL_LOCK_WAIT
# seconds) and then finds the first run's files already moved: nothing is imported twice.
#
# Prints nothing on stdout. On stderr (which cron mails) one line for each problem: a rejected
# file, an unusable ledger, xlgl not found, the lock not obtained, no flock installed.
# Exit codes: 0 every file went in (or the inbox was empty); 2 a file was rejected or a setting is
# wrong; 4 the ledger (or the lock file) cannot be used; 70 a bug in xlgl; 75 an earlier run still
# held the lock after XLGL_LOCK_WAIT seconds; 127 xlgl not found or cannot run.
#
#   # crontab -e: every night at 02:30
#   30 2 * * *  XLGL_DB=/srv/xlgl/ledger.db XLGL_INBOX=/srv/xlgl/inbox /opt/xlgl/examples/nightly-import.sh
#
# Settings (environment):
#   XLGL_BIN         the xlgl to run (else XLGL_PATH above if it exists, else `xlgl` on PATH)
#   XLGL_DB          the ledger (else xlgl's default)
#   XLGL_INBOX       directory of CSV files to import (default $HOME/xlgl-inbox)
#   XLGL_IMPORT_LOG  the log (default $XLGL_INBOX/import.log)
#   XLGL_TIMEOUT     seconds xlgl waits for another xlgl's write lock (xlgl's default: 30)
#   XLGL_LOCK_DIR    where the run lock goes (default: the ledger's directory)
#   XLGL_LOCK_WAIT   seconds to wait for an earlier run to finish (default 600)
set -u
me=nightly-import

if [ -n "${XLGL_INBOX:-}" ]; then
    inbox=$XLGL_INBOX
elif [ -n "${HOME:-}" ]; then
    inbox=$HOME/xlgl-inbox
else
    echo "$me: 没有 HOME，请设 XLGL_INBOX" >&2
    exit 2
fi
log=${XLGL_IMPORT_LOG:-$inbox/import.log}
if ! mkdir -p "$inbox/done" "$inbox/failed" || ! (: >>"$log") 2>/dev/null; then
    echo "$me: 无法使用收件箱 $inbox 或日志 $log" >&2
    exit 4
fi

stamp() { date '+%Y-%m-%d %H:%M:%S'; }
# say LINE: one line in the log and on stderr.
say() {
    echo "$(stamp) $1" >>"$log"
    echo "$me: $1" >&2
}

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
    say "找不到 xlgl（退出码 127）：XLGL_BIN=${XLGL_BIN:-未设}，脚本开头的 XLGL_PATH=$XLGL_PATH，PATH=$PATH"
    exit 127
fi

# --- one run at a time: a lock beside the ledger, or in XLGL_LOCK_DIR ----------------------------
lock_wait=${XLGL_LOCK_WAIT:-600}
case $lock_wait in '' | *[!0-9]*)
    say "XLGL_LOCK_WAIT 应是整数秒，现为“$lock_wait”"
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
    say "不知道台账在哪，请设 XLGL_DB"
    exit 2
fi
lock=$lock_dir/$(basename "${XLGL_DB:-ledger.db}").$me.lock
waited=""
if command -v flock >/dev/null 2>&1; then
    if ! (: >>"$lock") 2>/dev/null; then
        if [ ! -d "$lock_dir" ]; then
            say "目录不存在：$lock_dir"
        else
            say "无法建立锁文件 $lock（可设 XLGL_LOCK_DIR 指向一个可写的目录）"
        fi
        exit 4
    fi
    exec 9>>"$lock"
    if ! flock -n 9; then
        since=$(date +%s)
        if ! flock -w "$lock_wait" 9; then
            say "上一次运行仍未结束（锁 $lock），等了 $lock_wait 秒，本次未导入任何文件（退出码 75）"
            exit 75
        fi
        waited="（先等上一次运行结束 $(($(date +%s) - since)) 秒）"
    fi
else
    say "警告：没有 flock 命令，本次运行未加锁，两次运行重叠时可能重复导入"
fi

# --- the import ----------------------------------------------------------------------------------
imported=0
rejected=0
for file in "$inbox"/*.csv; do
    [ -e "$file" ] || continue # no CSV tonight
    name=$(basename "$file")
    output=$("$xlgl" record --file "$file" 2>&1)
    code=$?
    case $code in
    0)
        echo "$(stamp) 导入成功 $name：$output" >>"$log"
        if ! mv "$file" "$inbox/done/$(date +%Y%m%d-%H%M%S)-$name"; then
            say "$name 已导入，但无法移入 done/：请手动移走，否则下次会再导入（退出码 4）"
            exit 4
        fi
        imported=$((imported + 1))
        ;;
    2)
        {
            echo "$(stamp) 拒收 $name（一行也未导入）："
            echo "$output"
        } >>"$log"
        mv "$file" "$inbox/failed/$(date +%Y%m%d-%H%M%S)-$name"
        echo "$me: 拒收 $name，原因见 $log" >&2
        rejected=$((rejected + 1))
        ;;
    *)
        case $code in
        4) what="台账不可用" ;;
        70) what="xlgl 内部错误" ;;
        126 | 127) what="无法运行 xlgl（$xlgl）" code=127 ;;
        *) what="xlgl 意外退出" ;;
        esac
        {
            echo "$(stamp) $what（退出码 $code），$name 留在收件箱："
            echo "$output"
        } >>"$log"
        echo "$me: $what（退出码 $code），$name 留在收件箱，见 $log" >&2
        exit "$code"
        ;;
    esac
done

if [ $((imported + rejected)) -eq 0 ]; then
    echo "$(stamp) 本次结束：收件箱里没有 CSV$waited" >>"$log"
else
    echo "$(stamp) 本次结束：导入 $imported 个文件，拒收 $rejected 个$waited" >>"$log"
fi
[ "$rejected" -eq 0 ] || exit 2
exit 0
