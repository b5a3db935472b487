-- arr_monthly as the clean ARR frame of kpis.periods.arr_frame, computed where the data lives: one row per account
-- and month (first of month), rows of the same account and month summed, missing, NaN or negative ARR counted as 0,
-- in the order pandas' groupby gives. Rows without an account or a month are left out, as that groupby leaves them.
SELECT account_id,
       CAST(date_trunc('month', month) AS DATE) AS month,
       sum(CASE WHEN arr IS NULL OR isnan(arr) OR arr < 0 THEN 0.0 ELSE arr END) AS arr
FROM arr_monthly
WHERE account_id IS NOT NULL AND month IS NOT NULL
GROUP BY ALL
ORDER BY account_id, month
