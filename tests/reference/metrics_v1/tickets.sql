-- Support metrics per (account, as-of) row of _base; tickets count from the day they were
-- opened, resolution and CSAT from the day they were resolved (both <= as_of).
WITH t AS (
    SELECT account_id, CAST(opened_at AS DATE) AS opened, CAST(resolved_at AS DATE) AS resolved,
           priority, escalated, csat,
           epoch(resolved_at - opened_at) / 3600.0 AS hours
    FROM tickets
),
agg AS (
    SELECT b.account_id, b.as_of,
           count(*) FILTER (WHERE t.opened > b.as_of - 90 AND t.opened <= b.as_of) AS n_90d,
           count(*) FILTER (WHERE t.opened > b.as_of - 90 AND t.opened <= b.as_of
                            AND t.priority IN ('P0', 'P1')) AS urgent_90d,
           count(*) FILTER (WHERE t.opened > b.as_of - 90 AND t.opened <= b.as_of AND t.escalated) AS esc_90d,
           count(*) FILTER (WHERE t.opened > b.as_of - 30 AND t.opened <= b.as_of AND t.escalated) AS esc_30d,
           median(t.hours) FILTER (WHERE t.resolved > b.as_of - 90 AND t.resolved <= b.as_of
                                   AND t.hours >= 0) AS res_hours,
           avg(t.csat) FILTER (WHERE t.resolved > b.as_of - 180 AND t.resolved <= b.as_of) AS csat
    FROM _base b JOIN t ON t.account_id = b.account_id
    WHERE t.opened <= b.as_of
    GROUP BY ALL
)
SELECT b.account_id, b.as_of,
       CASE WHEN $has_tickets AND b.seats > 0 THEN COALESCE(a.n_90d, 0) / b.seats END AS tickets_per_seat_90d,
       CASE WHEN $has_tickets THEN CAST(COALESCE(a.urgent_90d, 0) AS DOUBLE) END AS urgent_tickets_90d,
       CASE WHEN $has_tickets AND $has_escalated THEN CAST(COALESCE(a.esc_90d, 0) AS DOUBLE) END AS escalations_90d,
       CAST(a.res_hours AS DOUBLE) AS resolution_hours_90d,
       CAST(a.csat AS DOUBLE) AS csat_180d,
       CASE WHEN $has_tickets AND $has_escalated THEN CAST(COALESCE(a.esc_30d, 0) AS DOUBLE) END AS escalations_30d
FROM _base b
LEFT JOIN agg a ON a.account_id = b.account_id AND a.as_of = b.as_of
