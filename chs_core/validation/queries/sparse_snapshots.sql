-- Two marks of subscription periods loaded as monthly snapshots (one row per period's start month), in one row:
-- accounts with ARR in months m-1 and m+1 but none in m, accounts with ARR in 3+ months, a few of the former;
-- then months with ARR (before the last month) followed by a month without, and all months with ARR before it.
-- Each paying month is compared with the account's next paying month (one sort instead of self-joins): a hole
-- is a next paying month exactly two months on; a stop is a next paying month that is not the month after.
WITH paid AS (SELECT DISTINCT account_id, month FROM arr_monthly WHERE arr > 0 AND account_id IS NOT NULL),
nexts AS (SELECT account_id, month, lead(month) OVER (PARTITION BY account_id ORDER BY month) AS next_month,
                 count(*) OVER (PARTITION BY account_id) AS months
          FROM paid),
marked AS (SELECT account_id, months, month < max(month) OVER () AS before_last,
                  next_month = CAST(month + INTERVAL 2 MONTH AS DATE) AS hole,
                  next_month IS DISTINCT FROM CAST(month + INTERVAL 1 MONTH AS DATE) AS stop
           FROM nexts),
holes AS (SELECT DISTINCT account_id FROM marked WHERE hole)
SELECT (SELECT count(*) FROM holes),
       (SELECT count(DISTINCT account_id) FROM marked WHERE months >= 3),
       (SELECT list(account_id ORDER BY account_id)[1:3] FROM holes),
       (SELECT count(*) FILTER (WHERE before_last AND stop) FROM marked),
       (SELECT count(*) FILTER (WHERE before_last) FROM marked)
