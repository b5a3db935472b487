-- Support metrics per (account, as-of) row of _base; tickets count from the day they were
-- opened (90-day window), resolution and CSAT from the day they were resolved (90 / 180 days),
-- both <= as_of. Each ticket is matched to the as-of dates whose window holds that day (_days).
WITH tks AS (
    SELECT account_id, CAST(opened_at AS DATE) AS opened, CAST(resolved_at AS DATE) AS resolved,
           priority, escalated, csat,
           epoch(resolved_at - opened_at) / 3600.0 AS hours
    FROM tickets
    WHERE account_id IN (SELECT account_id FROM _scope)
      AND CAST(opened_at AS DATE) <= $hi
      AND (CAST(opened_at AS DATE) > $lo_90 OR CAST(resolved_at AS DATE) > $lo_180)
),
opened AS (
    SELECT d.as_of, t.account_id,
           count(*) AS n_90d,
           count(*) FILTER (WHERE t.priority IN ('P0', 'P1')) AS urgent_90d,
           count(*) FILTER (WHERE t.escalated) AS esc_90d,
           count(*) FILTER (WHERE d.age < 30 AND t.escalated) AS esc_30d
    FROM tks t JOIN _days d ON d.day = t.opened AND d.age < 90
    GROUP BY ALL
),
resolved AS (
    SELECT d.as_of, t.account_id,
           median(t.hours) FILTER (WHERE d.age < 90 AND t.hours >= 0) AS res_hours,
           avg(t.csat) AS csat
    FROM tks t JOIN _days d ON d.day = t.resolved AND d.age < 180
    WHERE t.opened <= d.as_of
    GROUP BY ALL
)
SELECT b.account_id, b.as_of,
       CASE WHEN $has_tickets AND b.seats > 0 THEN COALESCE(o.n_90d, 0) / b.seats END AS tickets_per_seat_90d,
       CASE WHEN $has_tickets THEN CAST(COALESCE(o.urgent_90d, 0) AS DOUBLE) END AS urgent_tickets_90d,
       CASE WHEN $has_tickets AND $has_escalated THEN CAST(COALESCE(o.esc_90d, 0) AS DOUBLE) END AS escalations_90d,
       CAST(r.res_hours AS DOUBLE) AS resolution_hours_90d,
       CAST(r.csat AS DOUBLE) AS csat_180d,
       CASE WHEN $has_tickets AND $has_escalated THEN CAST(COALESCE(o.esc_30d, 0) AS DOUBLE) END AS escalations_30d
FROM _base b
LEFT JOIN opened o ON o.account_id = b.account_id AND o.as_of = b.as_of
LEFT JOIN resolved r ON r.account_id = b.account_id AND r.as_of = b.as_of
