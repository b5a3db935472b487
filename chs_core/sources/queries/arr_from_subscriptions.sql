-- Monthly ARR derived from the typed `subscriptions` view (rule: chs_core/sources/subscriptions.py).
-- Parameters: $inclusive (end_date is the last day paid), $factor (MRR to ARR), $through (last day covered).
CREATE TABLE derived_arr_monthly AS
WITH subs AS (
    SELECT account_id, start_date,
           -- the first day no longer paid
           CASE WHEN $inclusive THEN end_date + 1 ELSE end_date END AS end_excl,
           COALESCE(arr, mrr * $factor) AS arr,
           quantity,
           lower(trim(COALESCE(status, 'active'))) AS status
    FROM subscriptions
    WHERE account_id IS NOT NULL AND start_date IS NOT NULL
),
months AS (
    SELECT CAST(m AS DATE) AS month, CAST(m + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end
    FROM (SELECT min(start_date) AS first_day FROM subs) AS b,
         generate_series(date_trunc('month', b.first_day), date_trunc('month', CAST($through AS DATE)),
                         INTERVAL 1 MONTH) AS g(m)
)
SELECT s.account_id, m.month,
       sum(CASE WHEN s.status IN ('trial', 'trialing', 'paused') THEN 0 ELSE s.arr END) AS arr,
       sum(s.quantity) AS seats
FROM subs AS s
JOIN months AS m ON s.start_date <= m.month_end AND (s.end_excl IS NULL OR s.end_excl > m.month_end)
GROUP BY s.account_id, m.month
