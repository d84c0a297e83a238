#!/bin/sh
# Nightly CSV import (每晚导入统计数据) for cron.
#
# Imports every *.csv in the inbox with `xlgl record --file`, one file at a time. Each file goes in
# whole or not at all: an imported file moves to done/, a rejected file (exit 2: bad rows) moves to
# failed/ and the reason, one line per bad row with its line number, is appended to the log. If
# the ledger cannot be used (exit 4: locked past the timeout, damaged), the file stays in the inbox
# for the next night and the script stops. A one-line summary of any failure goes to stderr, which
# cron mails; the exit code is 0 when every file went in, else 2 or 4 as above.
#
#   # crontab -e: every night at 02:30
#   30 2 * * *  XLGL_DB=/srv/xlgl/ledger.db XLGL_INBOX=/srv/xlgl/inbox /opt/xlgl/examples/nightly-import.sh
#
# Settings (environment):
#   XLGL_DB          the ledger (else xlgl's default)
#   XLGL_INBOX       directory of CSV files to import (default $HOME/xlgl-inbox)
#   XLGL_IMPORT_LOG  the log (default $XLGL_INBOX/import.log)
#   XLGL_TIMEOUT     seconds to wait for another xlgl's write lock (xlgl's default: 30)
set -u

inbox=${XLGL_INBOX:-$HOME/xlgl-inbox}
log=${XLGL_IMPORT_LOG:-$inbox/import.log}
mkdir -p "$inbox/done" "$inbox/failed" || exit 4

stamp() { date '+%Y-%m-%d %H:%M:%S'; }
result=0

for file in "$inbox"/*.csv; do
    [ -e "$file" ] || continue # no CSV tonight
    name=$(basename "$file")
    output=$(xlgl record --file "$file" 2>&1)
    code=$?
    case $code in
    0)
        echo "$(stamp) OK $name: $output" >>"$log"
        mv "$file" "$inbox/done/$(date +%Y%m%d-%H%M%S)-$name"
        ;;
    2)
        {
            echo "$(stamp) REJECTED $name (nothing imported):"
            echo "$output"
        } >>"$log"
        mv "$file" "$inbox/failed/$(date +%Y%m%d-%H%M%S)-$name"
        echo "nightly-import: $name rejected, see $log" >&2
        result=2
        ;;
    *)
        {
            echo "$(stamp) LEDGER UNUSABLE (exit $code) at $name; left in the inbox:"
            echo "$output"
        } >>"$log"
        echo "nightly-import: ledger unusable (exit $code), see $log" >&2
        exit "$code"
        ;;
    esac
done
exit $result
