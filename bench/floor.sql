-- The floor: one SQL query that computes, for every target, what `xlgl status` computes —
-- the latest live figure as of :as_of, completion, time progress, expected completion and status —
-- by the rules of DESIGN.md ("Completion, time progress, status"), with the ledger's settings.
-- Run by the sqlite3 shell in bench/run.py (timed, the floor of the scale figures) and by Python's
-- sqlite3 in tests/test_bench_small.py (the oracle the CLI's JSON is checked against).
-- Not computed here: the reasons' wording (text) — the statuses they decide are.
WITH
s AS (
    SELECT
        coalesce((SELECT value FROM settings WHERE key = 'behind_threshold'), 0.10) AS behind,
        coalesce((SELECT value FROM settings WHERE key = 'due_soon_days'), 30) AS due_soon,
        coalesce((SELECT value FROM settings WHERE key = 'stale_days'), 60) AS stale,
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
        ORDER BY r.as_of DESC, r.recorded_at DESC, r.id DESC LIMIT 1
    )
),
base AS (
    SELECT t.id, t.seq, t.kind, t.comparator, t.value AS v, t.direction, t.baseline AS b,
           coalesce(t.due_override, t.due) AS due, l.value AS a, l.as_of AS a_as_of,
           s.day, s.behind, s.due_soon, s.stale,
           CASE WHEN t.comparator IN ('approx', 'stable')
                THEN coalesce(t.tolerance,
                              CASE t.comparator WHEN 'approx' THEN s.approx_tol ELSE s.stable_tol END)
                ELSE 0.0 END AS tol,
           julianday(coalesce(t.due_override, t.due)) - julianday(t.start) + 1 AS total_days,
           s.day - julianday(t.start) + 1 AS elapsed_days
    FROM targets t CROSS JOIN s LEFT JOIN latest l ON l.report = t.report AND l.target = t.id
),
rates AS (
    SELECT *,
        CASE WHEN a IS NULL THEN NULL
             WHEN direction = 'down' THEN CASE WHEN a <= v THEN 1.0 ELSE v / a END
             WHEN v = 0 THEN CASE WHEN a >= 0 THEN 1.0 ELSE 0.0 END
             ELSE a / v END AS completion,
        CASE WHEN total_days <= 0 THEN 1.0
             ELSE min(1.0, max(0.0, elapsed_days / total_days)) END AS progress,
        a IS NOT NULL AND CASE WHEN direction = 'down' THEN a <= v * (1 + tol)
                               ELSE a >= v * (1 - tol) END AS met
    FROM base
),
judged AS (
    SELECT *,
        CASE WHEN kind IN ('growth', 'share') THEN 1.0
             WHEN kind = 'milestone' AND v <= 1 THEN CASE WHEN day >= julianday(due) THEN 1.0 ELSE 0.0 END
             WHEN kind = 'level' AND b IS NOT NULL AND v != 0 THEN (b + (v - b) * progress) / v
             ELSE progress END AS expected
    FROM rates
)
SELECT id, a AS latest, a_as_of AS latest_as_of,
       round(completion, 4) AS completion, round(progress, 4) AS time_progress,
       round(expected, 4) AS expected,
       CASE WHEN met THEN 'met'
            WHEN day > julianday(due) THEN 'overdue'
            WHEN (completion IS NOT NULL AND completion < expected - behind)
              OR julianday(due) - day <= due_soon
              OR (a IS NOT NULL AND day - julianday(a_as_of) >= stale)
              OR (a IS NULL AND progress > 0.75) THEN 'at_risk'
            WHEN a IS NULL THEN 'no_data'
            ELSE 'on_track' END AS status
FROM judged
ORDER BY seq;
