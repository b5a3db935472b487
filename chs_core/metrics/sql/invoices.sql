-- Days past due per (account, as-of) row of _base: the oldest invoice due before as_of and
-- not paid by as_of (an invoice paid later was still unpaid then). 0 when none is overdue.
SELECT b.account_id, b.as_of,
       CASE WHEN $has_invoices AND $has_paid_date
            THEN CAST(COALESCE(max(date_diff('day', i.due_date, b.as_of)), 0) AS DOUBLE) END AS days_past_due
FROM _base b
LEFT JOIN invoices i
       ON i.account_id = b.account_id
      AND i.due_date < b.as_of
      AND (i.paid_date IS NULL OR i.paid_date > b.as_of)
      -- constants the scan can filter on: overdue at some as-of date of the statement, so due before the last
      -- one and unpaid after the first (an invoice paid by its due date was never overdue)
      AND i.due_date < $hi
      AND (i.paid_date IS NULL OR (i.paid_date > $lo_0 AND i.paid_date > i.due_date))
GROUP BY b.account_id, b.as_of
