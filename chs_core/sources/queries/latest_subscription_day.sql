-- The last day a subscriptions export covers: its latest start, or the day before its latest end, whichever is later,
-- never after $today (an end date in the future is a scheduled end, not data).
SELECT least(CAST($today AS DATE), greatest(
           max(start_date),
           max(CASE WHEN $inclusive THEN end_date ELSE end_date - 1 END)))
FROM subscriptions
WHERE account_id IS NOT NULL AND start_date IS NOT NULL
