-- Two marks of subscription periods loaded as monthly snapshots (one row per period's start month), in one row:
-- accounts with ARR in months m-1 and m+1 but none in m, accounts with ARR in 3+ months, a few of the former;
-- then months with ARR (before the last month) followed by a month without, and all months with ARR before it.
WITH paid AS (SELECT DISTINCT account_id, month FROM arr_monthly WHERE arr > 0 AND account_id IS NOT NULL),
holes AS (
    SELECT DISTINCT p.account_id
    FROM paid AS p
    JOIN paid AS n ON n.account_id = p.account_id AND n.month = CAST(p.month + INTERVAL 2 MONTH AS DATE)
    WHERE NOT EXISTS (SELECT 1 FROM paid AS g
                      WHERE g.account_id = p.account_id AND g.month = CAST(p.month + INTERVAL 1 MONTH AS DATE))),
before_last AS (SELECT * FROM paid WHERE month < (SELECT max(month) FROM paid))
SELECT (SELECT count(*) FROM holes),
       (SELECT count(*) FROM (SELECT account_id FROM paid GROUP BY account_id HAVING count(*) >= 3)),
       (SELECT list(account_id ORDER BY account_id)[1:3] FROM holes),
       (SELECT count(*) FROM before_last AS b
        WHERE NOT EXISTS (SELECT 1 FROM paid AS n
                          WHERE n.account_id = b.account_id AND n.month = CAST(b.month + INTERVAL 1 MONTH AS DATE))),
       (SELECT count(*) FROM before_last)
