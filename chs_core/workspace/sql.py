"""Every SQL statement of the workspace: one account's evidence and the last CSM touch. Values are bound ($name)."""

# The last CSM touch (an activity of a type in the touch_types setting, held or with no outcome) on or before $as_of.
LAST_TOUCH = """
SELECT account_id, max(activity_date) AS last_touch
FROM csm_activities
WHERE activity_date <= $as_of AND COALESCE(outcome, 'held') = 'held'
  AND list_contains($touch_types::VARCHAR[], activity_type)
GROUP BY account_id
"""

# One account's evidence, each on or before $as_of (point in time) and within a look-back window.
USAGE_BY_WEEK = """
SELECT CAST(date_trunc('week', event_date) AS DATE) AS week, feature,
       count(DISTINCT user_id) AS active_users, CAST(sum(event_count) AS BIGINT) AS events
FROM usage_events
WHERE account_id = $account AND event_date <= $as_of AND event_date > $as_of - 182
GROUP BY ALL ORDER BY week, feature
"""

TICKETS = """
SELECT ticket_id, CAST(opened_at AS DATE) AS opened, priority, COALESCE(escalated, false) AS escalated,
       CASE WHEN resolved_at IS NOT NULL AND CAST(resolved_at AS DATE) <= $as_of
            THEN round(epoch(resolved_at - opened_at) / 3600.0, 1) END AS resolution_hours,
       CASE WHEN resolved_at IS NOT NULL AND CAST(resolved_at AS DATE) <= $as_of THEN csat END AS csat,
       CASE WHEN resolved_at IS NULL OR CAST(resolved_at AS DATE) > $as_of THEN 'open' ELSE 'resolved' END AS status
FROM tickets
WHERE account_id = $account AND CAST(opened_at AS DATE) <= $as_of AND CAST(opened_at AS DATE) > $as_of - 365
ORDER BY opened_at DESC
"""

NPS = """
SELECT responded_at, score, respondent_role,
       CASE WHEN score >= 9 THEN 'promoter' WHEN score >= 7 THEN 'passive' ELSE 'detractor' END AS kind
FROM nps_responses
WHERE account_id = $account AND responded_at <= $as_of AND responded_at > $as_of - 730
ORDER BY responded_at DESC
"""

# A departure after $as_of was not known then: the contact shows as still there.
CONTACTS = """
SELECT contact_name, role, COALESCE(is_champion, false) OR role = 'champion' AS champion,
       role = 'executive_sponsor' AS sponsor,
       CASE WHEN left_date <= $as_of THEN left_date END AS left_date
FROM contacts
WHERE account_id = $account
ORDER BY left_date DESC NULLS LAST, role, contact_name
"""

ACTIVITIES = """
SELECT activity_date, activity_type, COALESCE(outcome, 'held') AS outcome, notes,
       len(list_filter($competitor_keywords, lambda k: contains(lower(notes), lower(k)))) > 0 AS competitor,
       len(list_filter($budget_keywords, lambda k: contains(lower(notes), lower(k)))) > 0 AS budget
FROM csm_activities
WHERE account_id = $account AND activity_date <= $as_of AND activity_date > $as_of - 365
ORDER BY activity_date DESC
"""

ARR_BY_MONTH = """
SELECT month, arr, seats FROM arr_monthly
WHERE account_id = $account AND month <= $as_of
ORDER BY month
"""

INVOICES = """
SELECT invoice_id, due_date, CASE WHEN paid_date <= $as_of THEN paid_date END AS paid_date, amount,
       CASE WHEN due_date < $as_of AND (paid_date IS NULL OR paid_date > $as_of)
            THEN CAST($as_of - due_date AS BIGINT) ELSE 0 END AS days_past_due
FROM invoices
WHERE account_id = $account AND due_date <= $as_of AND due_date > $as_of - 730
ORDER BY due_date DESC
"""
