"""Every SQL statement of the workspace: one account's evidence and the last CSM touch. Values are bound ($name)."""

# The last CSM touch (an activity of a type in the touch_types setting, held or with no outcome) on or before $as_of.
LAST_TOUCH = """
SELECT account_id, max(activity_date) AS last_touch
FROM csm_activities
WHERE activity_date <= $as_of AND COALESCE(outcome, 'held') = 'held'
  AND list_contains($touch_types::VARCHAR[], activity_type)
GROUP BY account_id
"""
