-- accounts derived when a source supplies none: ids as names, one segment, seats from the latest month with seats.
CREATE TABLE derived_accounts AS
SELECT account_id,
       account_id AS account_name,
       CAST($segment AS VARCHAR) AS segment,
       CAST(COALESCE(arg_max(seats, month) FILTER (WHERE seats IS NOT NULL), 1) AS BIGINT) AS licensed_seats,
       CAST(min(month) FILTER (WHERE arr > 0) AS DATE) AS customer_since
FROM arr_monthly
WHERE account_id IS NOT NULL
GROUP BY account_id
