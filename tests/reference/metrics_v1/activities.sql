-- CSM-activity metrics per (account, as-of) row of _base over activities dated <= as_of.
-- Keywords match case-insensitively anywhere in the notes; one note counts once.
WITH a AS (
    SELECT account_id, activity_date, activity_type, outcome,
           len(list_filter($competitor_keywords, lambda k: contains(lower(notes), lower(k)))) > 0 AS competitor,
           len(list_filter($budget_keywords, lambda k: contains(lower(notes), lower(k)))) > 0 AS budget
    FROM csm_activities
),
agg AS (
    SELECT b.account_id, b.as_of,
           count(*) FILTER (WHERE a.activity_date > b.as_of - 90 AND a.outcome = 'held'
                            AND a.activity_type IN ('meeting', 'qbr', 'call')) AS meetings,
           count(*) FILTER (WHERE a.activity_type = 'training' AND a.outcome = 'held') AS trainings,
           count(*) FILTER (WHERE a.activity_date > b.as_of - 90 AND a.outcome = 'missed'
                            AND a.activity_type = 'renewal_meeting') AS missed_renewal,
           count(*) FILTER (WHERE a.activity_date > b.as_of - 90 AND a.competitor) AS competitor,
           count(*) FILTER (WHERE a.activity_date > b.as_of - 90 AND a.budget) AS budget
    FROM _base b JOIN a ON a.account_id = b.account_id
    WHERE a.activity_date > b.as_of - 180 AND a.activity_date <= b.as_of
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
LEFT JOIN agg g ON g.account_id = b.account_id AND g.as_of = b.as_of
