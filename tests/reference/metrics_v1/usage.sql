-- Usage metrics per (account, as-of) row of _base; NULL when usage_events was not supplied.
WITH bounds AS (
    SELECT min(as_of) - 90 AS lo, max(as_of) AS hi FROM _asof
),
-- Pre-aggregated to (account, user, day): the range joins below then touch far fewer rows.
ud AS MATERIALIZED (
    SELECT e.account_id, e.user_id, e.event_date, sum(e.event_count) AS events,
           bool_or(list_contains($key_features, lower(e.feature))) AS key_use
    FROM usage_events e, bounds b
    WHERE e.event_date > b.lo AND e.event_date <= b.hi
    GROUP BY ALL
),
-- (account, feature, day) over all history: feeds breadth and the catalogue of features seen.
fd AS MATERIALIZED (
    SELECT DISTINCT e.account_id, e.feature, e.event_date
    FROM usage_events e, bounds b
    WHERE e.event_date <= b.hi
),
-- Per user first, then per account: plain sums instead of DISTINCT aggregates (far cheaper).
per_user AS (
    SELECT a.as_of, ud.account_id, ud.user_id,
           sum(ud.events) FILTER (WHERE ud.event_date > a.as_of - 28) AS events_28d,
           sum(ud.events) FILTER (WHERE ud.event_date <= a.as_of - 28) AS events_prior,
           bool_or(ud.key_use) FILTER (WHERE ud.event_date > a.as_of - 28) AS key_use
    FROM _asof a JOIN ud ON ud.event_date > a.as_of - 56 AND ud.event_date <= a.as_of
    GROUP BY ALL
),
users AS (
    SELECT as_of, account_id,
           count(events_28d) AS active_users,
           count(*) FILTER (WHERE key_use) AS key_users,
           sum(events_28d) AS events_28d,
           sum(events_prior) AS events_prior
    FROM per_user
    GROUP BY ALL
),
feats AS (
    SELECT as_of, account_id, count(*) AS features_28d
    FROM (SELECT DISTINCT a.as_of, fd.account_id, fd.feature
          FROM _asof a JOIN fd ON fd.event_date > a.as_of - 28 AND fd.event_date <= a.as_of)
    GROUP BY ALL
),
catalogue AS (
    SELECT a.as_of, count(*) AS features_seen
    FROM _asof a JOIN (SELECT feature, min(event_date) AS first_seen FROM fd GROUP BY feature) f
      ON f.first_seen <= a.as_of
    GROUP BY a.as_of
),
-- Executive sponsors still at the customer on the as-of date, with a user id to match.
sponsors AS (
    SELECT b.account_id, b.as_of, c.user_id
    FROM _base b JOIN contacts c ON c.account_id = b.account_id
    WHERE c.role = 'executive_sponsor' AND c.user_id IS NOT NULL
      AND (c.left_date IS NULL OR c.left_date > b.as_of)
),
sponsor AS (
    SELECT s.account_id, s.as_of, max(CASE WHEN ud.user_id IS NULL THEN 0 ELSE 1 END) AS active
    FROM sponsors s LEFT JOIN ud
      ON ud.account_id = s.account_id AND ud.user_id = s.user_id
     AND ud.event_date > s.as_of - 90 AND ud.event_date <= s.as_of
    GROUP BY ALL
)
SELECT b.account_id, b.as_of,
       CASE WHEN $has_usage AND b.seats > 0 THEN COALESCE(u.active_users, 0) / b.seats END AS active_user_ratio,
       CASE WHEN $has_usage AND c.features_seen > 0
            THEN COALESCE(f.features_28d, 0) / c.features_seen END AS feature_breadth,
       -- An account with no active user used no key feature: 0, not unknown.
       CASE WHEN $has_usage THEN COALESCE(u.key_users / nullif(u.active_users, 0), 0) END AS key_feature_adoption,
       CASE WHEN $has_usage THEN COALESCE(u.events_28d / nullif(u.active_users, 0), 0) END AS usage_depth,
       CASE WHEN $has_usage AND u.events_prior > 0
            THEN COALESCE(u.events_28d, 0) / u.events_prior - 1 END AS usage_trend,
       CASE WHEN $has_usage AND $has_sponsor_ids THEN CAST(s.active AS DOUBLE) END AS exec_sponsor_active
FROM _base b
LEFT JOIN users u ON u.account_id = b.account_id AND u.as_of = b.as_of
LEFT JOIN feats f ON f.account_id = b.account_id AND f.as_of = b.as_of
LEFT JOIN catalogue c ON c.as_of = b.as_of
LEFT JOIN sponsor s ON s.account_id = b.account_id AND s.as_of = b.as_of
