-- CSM-activity metrics per (account, as-of) row of _base over activities dated in (as_of - 180, as_of].
-- Keywords match case-insensitively anywhere in the notes; one note counts once.
WITH acts AS (
    SELECT account_id, activity_date, activity_type, outcome,
           len(list_filter($competitor_keywords, lambda k: contains(note, lower(k)))) > 0 AS competitor,
           len(list_filter($budget_keywords, lambda k: contains(note, lower(k)))) > 0 AS budget
    FROM (SELECT *, lower(notes) AS note FROM csm_activities  -- lowered once per note, not once per keyword
          WHERE activity_date > $lo_180 AND activity_date <= $hi AND account_id IN (SELECT account_id FROM _scope))
),
activity_counts AS (
    SELECT d.as_of, a.account_id,
           count(*) FILTER (WHERE d.age < 90 AND a.outcome = 'held'
                            AND a.activity_type IN ('meeting', 'qbr', 'call')) AS meetings,
           count(*) FILTER (WHERE a.activity_type = 'training' AND a.outcome = 'held') AS trainings,
           count(*) FILTER (WHERE d.age < 90 AND a.outcome = 'missed'
                            AND a.activity_type = 'renewal_meeting') AS missed_renewal,
           count(*) FILTER (WHERE d.age < 90 AND a.competitor) AS competitor,
           count(*) FILTER (WHERE d.age < 90 AND a.budget) AS budget
    FROM acts a JOIN _days d ON d.day = a.activity_date AND d.age < 180
    GROUP BY ALL
)
SELECT b.account_id, b.as_of,
       CASE WHEN $has_activities THEN CAST(COALESCE(g.meetings, 0) AS DOUBLE) END AS meetings_90d,
       CASE WHEN $has_activities THEN CAST(COALESCE(g.trainings, 0) AS DOUBLE) END AS trainings_180d,
       CASE WHEN $has_activities AND $has_outcome
            THEN CAST(COALESCE(g.missed_renewal, 0) AS DOUBLE) END AS missed_renewal_meetings_90d,
       CASE WHEN $has_activities AND $has_notes
            THEN CAST(COALESCE(g.competitor, 0) AS DOUBLE) END AS competitor_mentions_90d,
       CASE WHEN $has_activities AND $has_notes
            THEN CAST(COALESCE(g.budget, 0) AS DOUBLE) END AS budget_mentions_90d
FROM _base b
LEFT JOIN activity_counts g ON g.account_id = b.account_id AND g.as_of = b.as_of
