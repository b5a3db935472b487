-- NPS per (account, as-of) row of _base over answers in (as_of - 365, as_of].
-- Weight = role weight (2 for decision makers, else 1) x 0.5 ** (age_days / 90).
WITH answers AS (
    SELECT d.as_of, n.account_id, n.score, d.age,
           list_contains($dm_roles, n.respondent_role) AS is_dm,
           (CASE WHEN list_contains($dm_roles, n.respondent_role) THEN 2.0 ELSE 1.0 END)
             * pow(0.5, d.age / 90.0) AS w
    FROM nps_responses n JOIN _days d ON d.day = n.responded_at AND d.age < 365
    WHERE n.responded_at > $lo_365 AND n.responded_at <= $hi AND n.account_id IN (SELECT account_id FROM _scope)
),
nps_weights AS (
    SELECT account_id, as_of,
           sum(w) FILTER (WHERE score >= 9) AS w_pro, sum(w) FILTER (WHERE score <= 6) AS w_det, sum(w) AS w_all,
           count(*) FILTER (WHERE is_dm AND score <= 6 AND age < 180) AS dm_det
    FROM answers GROUP BY ALL
)
SELECT b.account_id, b.as_of,
       CASE WHEN a.w_all > 0
            THEN 100.0 * (COALESCE(a.w_pro, 0) - COALESCE(a.w_det, 0)) / a.w_all END AS nps,
       CASE WHEN $has_nps AND $has_roles THEN CAST(COALESCE(a.dm_det, 0) AS DOUBLE) END AS dm_detractors_180d
FROM _base b
LEFT JOIN nps_weights a ON a.account_id = b.account_id AND a.as_of = b.as_of
