-- Champion departures per (account, as-of) row of _base: champions (is_champion, or the
-- champion role) whose left_date is in (as_of - 90, as_of]. A later departure is unknown at as_of.
SELECT b.account_id, b.as_of,
       CASE WHEN $has_contacts AND $has_left_date
            THEN CAST(count(c.contact_id) AS DOUBLE) END AS champion_left_90d
FROM _base b
LEFT JOIN contacts c
       ON c.account_id = b.account_id
      AND (c.is_champion OR c.role = 'champion')
      AND c.left_date > b.as_of - 90 AND c.left_date <= b.as_of
      -- the same window over every as-of date of the statement, a constant the scan can filter on
      AND c.left_date > $lo_90 AND c.left_date <= $hi
GROUP BY b.account_id, b.as_of
