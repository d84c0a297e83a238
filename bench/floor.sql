-- The floor: one SQL query that computes, for every target, what `xlgl status` computes —
-- the latest live figure as of :as_of, completion, time progress, expected completion, the
-- reporting calendar and status — by the rules of docs/rules.md, with the ledger's settings.
-- Run by the sqlite3 shell in bench/run.py (timed, the floor of the scale figures) and by Python's
-- sqlite3 in tests/test_bench_small.py (the oracle the CLI's JSON is checked against).
-- Not computed here: the reasons' wording (text) and the lights — the statuses they decide are.
WITH
s AS (
    SELECT
        coalesce((SELECT value FROM settings WHERE key = 'behind_threshold'), 0.10) AS behind,
        coalesce((SELECT value FROM settings WHERE key = 'approx_tolerance'), 0.05) AS approx_tol,
        coalesce((SELECT value FROM settings WHERE key = 'stable_tolerance'), 0.05) AS stable_tol,
        julianday(:as_of) AS day
),
latest AS (
    -- the non-voided record with the greatest as_of not after :as_of; ties: recorded last.
    -- Index-backed (records_target_as_of): a few rows per target, not a sort of every record.
    SELECT t.report, t.id AS target, l.value, l.as_of
    FROM targets t JOIN records l ON l.id = (
        SELECT r.id FROM records r
        WHERE r.report = t.report AND r.target = t.id AND r.as_of <= :as_of AND r.value IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM records v WHERE v.voids = r.id)
          AND (r.unit IS NULL OR r.unit = t.unit)  -- a record kept in an old unit is not a figure
          AND (r.submitted = 0 OR EXISTS (SELECT 1 FROM verifications c WHERE c.record = r.id AND c.verdict = 'verified'))  -- 销号
        ORDER BY r.as_of DESC, r.recorded_at DESC, r.id DESC LIMIT 1
    )
    WHERE t.retired = 0
),
base AS (
    SELECT t.report, t.id, t.seq, t.kind, t.comparator, t.value AS v, t.direction, t.unit,
           t.baseline AS b, t.start, coalesce(t.due_override, t.due) AS due, t.frequency,
           t.lag_days, l.value AS a, l.as_of AS a_as_of, s.day, s.behind,
           CASE WHEN t.comparator IN ('approx', 'stable')
                THEN coalesce(t.tolerance,
                              CASE t.comparator WHEN 'approx' THEN s.approx_tol ELSE s.stable_tol END)
                ELSE 0.0 END AS tol,
           julianday(coalesce(t.due_override, t.due)) - julianday(t.start) + 1 AS total_days,
           CASE WHEN l.as_of IS NULL THEN t.start ELSE date(l.as_of, '+1 day') END AS next_day
    FROM targets t CROSS JOIN s LEFT JOIN latest l ON l.report = t.report AND l.target = t.id
    WHERE t.retired = 0
),
rates AS (
    SELECT *,
        CASE WHEN a IS NULL THEN NULL
             WHEN direction = 'down' THEN CASE WHEN a <= v THEN 1.0 WHEN a = 0 THEN 1.0 ELSE v / a END
             WHEN v = 0 THEN CASE WHEN a >= 0 THEN 1.0 ELSE 0.0 END
             ELSE a / v END AS completion,
        CASE WHEN total_days <= 0 THEN 1.0
             ELSE min(1.0, max(0.0, (day - julianday(start) + 1) / total_days)) END AS progress,
        CASE WHEN total_days <= 0 OR a_as_of IS NULL THEN 1.0
             ELSE min(1.0, max(0.0, (julianday(a_as_of) - julianday(start) + 1) / total_days))
             END AS progress_at_latest,
        a IS NOT NULL AND CASE WHEN comparator = 'stable' THEN abs(a - v) <= tol * abs(v) + 1e-9
                               WHEN direction = 'down' THEN a <= v * (1 + tol) + 1e-9
                               ELSE a >= v * (1 - tol) - 1e-9 END AS met,
        -- the reporting calendar: the period end after the latest figure (or from the start)
        CASE WHEN frequency = 'event' OR (a_as_of IS NOT NULL AND a_as_of >= due) THEN NULL
             WHEN frequency = 'year' OR next_day >= due THEN due
             ELSE min(due, date(
                 strftime('%Y', next_day) || '-' || printf('%02d',
                     ((CAST(strftime('%m', next_day) AS INTEGER) - 1)
                      / CASE frequency WHEN 'month' THEN 1 WHEN 'quarter' THEN 3 ELSE 6 END + 1)
                     * CASE frequency WHEN 'month' THEN 1 WHEN 'quarter' THEN 3 ELSE 6 END)
                 || '-01', '+1 month', '-1 day')) END AS period_end
    FROM base
),
judged AS (
    SELECT *,
        CASE WHEN kind IN ('growth', 'share') THEN 1.0
             WHEN kind = 'milestone' AND v <= 1 THEN CASE WHEN day >= julianday(due) THEN 1.0 ELSE 0.0 END
             WHEN kind = 'level' AND b IS NOT NULL AND v != 0 THEN (b + (v - b) * progress) / v
             ELSE progress END AS expected,
        CASE WHEN a IS NULL THEN NULL
             WHEN kind IN ('growth', 'share') THEN 1.0
             WHEN kind = 'milestone' AND v <= 1 THEN CASE WHEN a_as_of >= due THEN 1.0 ELSE 0.0 END
             WHEN kind = 'level' AND b IS NOT NULL AND v != 0
                 THEN (b + (v - b) * progress_at_latest) / v
             ELSE progress_at_latest END AS expected_at_latest,
        date(period_end, '+' || lag_days || ' days') AS next_report_due
    FROM rates
),
unmet AS (
    -- for a target met after its due date: its latest live figure that does not meet it
    SELECT *,
        CASE WHEN met AND day > julianday(due) THEN (
            SELECT u.id FROM records u
            WHERE u.report = judged.report AND u.target = judged.id AND u.as_of <= :as_of
              AND u.value IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM records y WHERE y.voids = u.id)
              AND (u.unit IS NULL OR u.unit = judged.unit)
              AND (u.submitted = 0 OR EXISTS (SELECT 1 FROM verifications c WHERE c.record = u.id AND c.verdict = 'verified'))
              AND NOT CASE WHEN comparator = 'stable' THEN abs(u.value - v) <= tol * abs(v) + 1e-9
                           WHEN direction = 'down' THEN u.value <= v * (1 + tol) + 1e-9
                           ELSE u.value >= v * (1 - tol) - 1e-9 END
            ORDER BY u.as_of DESC, u.recorded_at DESC, u.id DESC LIMIT 1
        ) END AS unmet_id
    FROM judged
),
verdicts AS (
    -- met late: the first figure of the last unbroken run of figures that meet is after due
    SELECT *,
        CASE WHEN met AND day > julianday(due) THEN (
            SELECT min(r.as_of) FROM records r
            WHERE r.report = unmet.report AND r.target = unmet.id AND r.as_of <= :as_of
              AND r.value IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM records x WHERE x.voids = r.id)
              AND (r.unit IS NULL OR r.unit = unmet.unit)
              AND (r.submitted = 0 OR EXISTS (SELECT 1 FROM verifications c WHERE c.record = r.id AND c.verdict = 'verified'))
              AND (unmet_id IS NULL OR (r.as_of, r.recorded_at, r.id)
                   > (SELECT o.as_of, o.recorded_at, o.id FROM records o WHERE o.id = unmet_id))
        ) END AS met_on
    FROM unmet
)
SELECT id, a AS latest, a_as_of AS latest_as_of,
       round(completion, 4) AS completion, round(progress, 4) AS time_progress,
       round(expected, 4) AS expected, next_report_due,
       CASE WHEN met THEN CASE WHEN met_on > due THEN 'met_late' ELSE 'met' END
            WHEN day > julianday(due) THEN
                CASE WHEN kind = 'milestone' THEN 'overdue'
                     WHEN a_as_of >= due THEN 'missed'
                     WHEN day <= julianday(due) + lag_days THEN 'awaiting'
                     ELSE 'overdue' END
            WHEN (a IS NOT NULL AND CASE
                      WHEN comparator = 'stable' OR comparator = 'at_most' OR direction = 'down' THEN 1
                      WHEN kind IN ('growth', 'share') THEN 1 - completion > behind
                      ELSE expected_at_latest - completion > behind END)
              OR (next_report_due IS NOT NULL AND day > julianday(next_report_due))
              OR (frequency = 'event' AND a IS NULL AND progress > 0.75) THEN 'at_risk'
            WHEN a IS NULL THEN 'no_data'
            ELSE 'on_track' END AS status
FROM verdicts
ORDER BY seq;
