#!/bin/sh
# Weekly overdue report (逾期督办周报) for cron.
#
# Writes the list of overdue targets to a dated file, and mails it, only when something is
# overdue: `xlgl overdue --exit-code` exits 1 when it lists a target, 0 when there is none.
# Any other exit code (2 bad usage, 4 ledger unusable) is an error: its one-line message goes to
# stderr, which cron mails to the crontab's owner, and the script exits with that code.
#
#   # crontab -e: every Monday at 08:00
#   0 8 * * 1  XLGL_DB=/srv/xlgl/ledger.db XLGL_MAIL_TO=duchashi@example.org /opt/xlgl/examples/weekly-overdue.sh
#
# Settings (environment):
#   XLGL_DB          the ledger (else xlgl's default)
#   XLGL_REPORT_DIR  where reports go (default $HOME/xlgl-reports)
#   XLGL_MAIL_TO     mail the report to this address with mail(1), if set and mail is installed
#   XLGL_AS_OF       the date to judge (default today)
#   XLGL_ONLY        overdue (default) or at-risk; empty for both
set -u

report_dir=${XLGL_REPORT_DIR:-$HOME/xlgl-reports}
as_of=${XLGL_AS_OF:-$(date +%Y-%m-%d)}
only=${XLGL_ONLY-overdue}

mkdir -p "$report_dir" || exit 4
report="$report_dir/overdue-$as_of.txt"
partial="$report.partial"

if [ -n "$only" ]; then
    xlgl overdue --as-of "$as_of" --only "$only" --exit-code >"$partial"
else
    xlgl overdue --as-of "$as_of" --exit-code >"$partial"
fi
code=$?

case $code in
0)  # nothing overdue: no file, no mail
    rm -f "$partial"
    exit 0
    ;;
1)  # something is overdue: keep the report, mail it
    mv "$partial" "$report"
    if [ -n "${XLGL_MAIL_TO:-}" ] && command -v mail >/dev/null 2>&1; then
        mail -s "xlgl 逾期目标 $as_of" "$XLGL_MAIL_TO" <"$report"
    fi
    echo "$report"
    exit 0
    ;;
*)  # xlgl already said why on stderr (one line)
    rm -f "$partial"
    echo "weekly-overdue: xlgl overdue failed with exit code $code" >&2
    exit "$code"
    ;;
esac
