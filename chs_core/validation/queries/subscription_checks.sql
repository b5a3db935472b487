-- Rules on the typed `subscriptions` view: one row of (count, examples) pairs, read by validation/subscriptions.py.
WITH s AS (
    SELECT *, lower(trim(status)) AS code,
           COALESCE(subscription_id, account_id || ' from ' || CAST(start_date AS VARCHAR)) AS label
    FROM subscriptions)
SELECT
    count(*) FILTER (WHERE end_date < start_date),
    list(DISTINCT label) FILTER (WHERE end_date < start_date)[1:3],
    count(*) FILTER (WHERE mrr < 0 OR arr < 0),
    list(DISTINCT label) FILTER (WHERE mrr < 0 OR arr < 0)[1:3],
    count(*) FILTER (WHERE code IS NOT NULL AND code NOT IN ('active', 'past_due', 'cancelled', 'canceled', 'trial',
                                                            'trialing', 'paused', 'unpaid')),
    list(DISTINCT status) FILTER (WHERE code IS NOT NULL AND code NOT IN ('active', 'past_due', 'cancelled',
                                                                         'canceled', 'trial', 'trialing', 'paused',
                                                                         'unpaid'))[1:3],
    count(*) FILTER (WHERE code IN ('cancelled', 'canceled') AND end_date IS NULL),
    list(DISTINCT label) FILTER (WHERE code IN ('cancelled', 'canceled') AND end_date IS NULL)[1:3],
    count(*) FILTER (WHERE end_date IS NOT NULL),
    count(*) FILTER (WHERE end_date IS NOT NULL AND day(end_date + 1) = 1 AND day(end_date) <> 1),
    count(*) FILTER (WHERE mrr IS NULL AND arr IS NULL)
FROM s
