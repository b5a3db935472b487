-- One row per (account, as-of date) for accounts that are customers at that date,
-- with the ARR-history metrics. Reads _asof(as_of) and _scope(account_id), the accounts asked for.
-- The reference month is the latest month in arr_monthly (over all accounts) <= as_of,
-- so one account's late data never shifts another's reference month.
WITH months AS (
    SELECT DISTINCT month FROM arr_monthly
),
ref AS (
    SELECT a.as_of, max(m.month) AS ref_month
    FROM _asof a JOIN months m ON m.month <= a.as_of
    GROUP BY a.as_of
),
-- An account's first paid month. For a customer at T (paid in T's reference month) the first paid
-- month up to the reference month is its first paid month overall, so no as-of x history join.
first_paid AS (
    SELECT account_id, min(month) AS first_month
    FROM arr_monthly WHERE arr > 0
    GROUP BY account_id
),
cust AS (
    SELECT r.as_of, r.ref_month, cur.account_id, cur.arr,
           COALESCE(cur.seats, acc.licensed_seats) AS seats,
           cur.seats AS month_seats, prev.arr AS arr_3m, prev.seats AS seats_3m,
           acc.renewal_date,
           -- renewal_date moved back into as_of's calendar year (Feb 29 becomes Feb 28).
           CAST(acc.renewal_date - to_years(year(acc.renewal_date) - year(r.as_of)) AS DATE) AS renewal_in_year,
           CAST(acc.renewal_date - to_years(year(acc.renewal_date) - year(r.as_of) - 1) AS DATE) AS renewal_next_year,
           COALESCE(acc.customer_since, fp.first_month) AS since
    FROM ref r
    JOIN arr_monthly cur ON cur.month = r.ref_month AND cur.arr > 0
     AND cur.account_id IN (SELECT account_id FROM _scope)
    LEFT JOIN arr_monthly prev
           ON prev.account_id = cur.account_id
          AND prev.month = CAST(r.ref_month - INTERVAL 3 MONTH AS DATE)
    LEFT JOIN accounts acc ON acc.account_id = cur.account_id
    LEFT JOIN first_paid fp ON fp.account_id = cur.account_id
)
SELECT account_id, as_of, ref_month, arr, CAST(seats AS DOUBLE) AS seats,
       -- No paying row 3 months ago (a new customer): a fraction of 0 is undefined.
       CASE WHEN arr_3m > 0 THEN arr / arr_3m - 1 END AS arr_trend,
       CASE WHEN $has_seats AND seats_3m > 0 AND month_seats IS NOT NULL
            THEN month_seats / seats_3m - 1 END AS seat_trend,
       -- renewal_date is today's snapshot and contracts are annual: at a past as_of the renewal
       -- ahead was the first anniversary of renewal_date on or after as_of (0 = renews on as_of).
       -- A renewal_date before as_of is overdue and stays negative.
       CAST(date_diff('day', as_of, CASE WHEN renewal_date < as_of THEN renewal_date
                                          WHEN renewal_in_year >= as_of THEN renewal_in_year
                                          ELSE renewal_next_year END) AS DOUBLE) AS days_to_renewal,
       -- customer_since after as_of is inconsistent data: count it as a new customer.
       CAST(greatest(date_sub('month', since, as_of), 0) AS DOUBLE) AS tenure_months
FROM cust
