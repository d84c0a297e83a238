#!/bin/sh
# Weekly 台账 workbook and 督查通报 for cron: the two files supervision staff attach to a mail.
#
# Builds, for the as-of date (default today), in $XLGL_REPORT_DIR:
#   台账-DATE.xlsx   the workbook: 汇总 (counts, per section), 目标 (every target), 记录 (figures)
#   通报-DATE.html   the bulletin: one self-contained page (prints on A4, reads on a phone)
#   通报-DATE.md     the same bulletin as Markdown (the mail's text)
# Each file is written whole or not at all. With XLGL_MAIL_TO set and mutt installed, mails the
# Markdown as the text with the workbook and the HTML attached.
#
#   # crontab -e: every Friday at 17:00
#   0 17 * * 5  XLGL_DB=/srv/xlgl/ledger.db XLGL_REPORT_DIR=/srv/xlgl/reports /opt/xlgl/examples/weekly-reports.sh
#
# Settings (environment):
#   XLGL_DB          the ledger (else xlgl's default)
#   XLGL_REPORT_DIR  where the files go (default $HOME/xlgl-reports)
#   XLGL_AS_OF       the date to judge (default today)
#   XLGL_MAIL_TO     mail the files to this address (needs mutt)
#
# Exit codes: 0 done; otherwise xlgl's (2 bad input, 4 ledger unusable), whose one-line message is
# on stderr, which cron mails to the crontab's owner.
set -u

report_dir=${XLGL_REPORT_DIR:-$HOME/xlgl-reports}
as_of=${XLGL_AS_OF:-$(date +%Y-%m-%d)}

mkdir -p "$report_dir" || exit 4
workbook="$report_dir/台账-$as_of.xlsx"
page="$report_dir/通报-$as_of.html"
text="$report_dir/通报-$as_of.md"

xlgl export --format xlsx --as-of "$as_of" -o "$workbook" >/dev/null || exit $?
xlgl report --format html --as-of "$as_of" -o "$page" >/dev/null || exit $?
xlgl report --format markdown --as-of "$as_of" -o "$text" >/dev/null || exit $?

if [ -n "${XLGL_MAIL_TO:-}" ]; then
    if command -v mutt >/dev/null 2>&1; then
        mutt -s "督查通报（截至 $as_of）" -a "$workbook" "$page" -- "$XLGL_MAIL_TO" <"$text" || exit $?
    else
        echo "weekly-reports: mutt is not installed; not mailed" >&2
    fi
fi
printf '%s\n' "$workbook" "$page" "$text"
