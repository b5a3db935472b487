-- Usage metrics per (account, as-of) row of _base; NULL when usage_events was not supplied.
-- Events are matched to as-of dates by an equality join on the day (_days), never by a range
-- join, and only events inside some window ($lo_56, $hi] are read (the filter reaches the scan).
WITH ev AS NOT MATERIALIZED (
    SELECT e.account_id, e.user_id, e.event_date, e.feature, e.event_count
    FROM usage_events e
    WHERE e.event_date > $lo_56 AND e.event_date <= $hi AND e.account_id IN (SELECT account_id FROM _scope)
),
-- Users active in the last 28 days of each as-of date (a missing user id is one group, as before).
per_user AS (
    SELECT d.as_of, ev.account_id, ev.user_id, sum(ev.event_count) AS events,
           bool_or(list_contains($key_features, lower(ev.feature))) AS key_use
    FROM ev JOIN _days d ON d.day = ev.event_date AND d.age < 28
    GROUP BY ALL
),
users AS (
    SELECT as_of, account_id, count(*) AS active_users, count(*) FILTER (WHERE key_use) AS key_users,
           sum(events) AS events_28d
    FROM per_user
    GROUP BY ALL
),
-- Features used in the last 28 days (a missing feature name counts as one, as a DISTINCT set would).
feats AS (
    SELECT as_of, account_id, count(*) AS features_28d
    FROM (SELECT DISTINCT d.as_of, ev.account_id, ev.feature
          FROM ev JOIN _days d ON d.day = ev.event_date AND d.age < 28)
    GROUP BY ALL
),
-- Events in the 28 days before that: a plain sum per account, no per-user step.
prior AS (
    SELECT d.as_of, ev.account_id, sum(ev.event_count) AS events_prior
    FROM ev JOIN _days d ON d.day = ev.event_date AND d.age >= 28 AND d.age < 56
    GROUP BY ALL
),
-- The catalogue of features seen by each as-of date, over all accounts and all history:
-- one small aggregate (a few rows per feature), not a set of (account, feature, day).
first_seen AS (
    SELECT feature, min(event_date) AS first_seen FROM usage_events WHERE event_date <= $hi GROUP BY feature
),
catalogue AS (
    SELECT a.as_of, count(*) AS features_seen
    FROM _asof a JOIN first_seen f ON f.first_seen <= a.as_of
    GROUP BY a.as_of
),
-- Executive sponsors still at the customer on the as-of date, with a user id to match.
sponsors AS (
    SELECT b.account_id, b.as_of, c.user_id
    FROM _base b JOIN contacts c ON c.account_id = b.account_id
    WHERE c.role = 'executive_sponsor' AND c.user_id IS NOT NULL
      AND (c.left_date IS NULL OR c.left_date > b.as_of)
),
-- Days on which a sponsor was active, inside a 90-day window of some as-of date.
sponsor_days AS (
    SELECT DISTINCT e.account_id, e.user_id, e.event_date
    FROM usage_events e JOIN (SELECT DISTINCT account_id, user_id FROM sponsors) p
      ON p.account_id = e.account_id AND p.user_id = e.user_id
    WHERE e.event_date > $lo_90 AND e.event_date <= $hi AND e.account_id IN (SELECT account_id FROM _scope)
),
sponsor AS (
    SELECT s.account_id, s.as_of, max(CASE WHEN sd.user_id IS NULL THEN 0 ELSE 1 END) AS active
    FROM sponsors s LEFT JOIN sponsor_days sd
      ON sd.account_id = s.account_id AND sd.user_id = s.user_id
     AND sd.event_date > s.as_of - 90 AND sd.event_date <= s.as_of
    GROUP BY ALL
)
SELECT b.account_id, b.as_of,
       CASE WHEN $has_usage AND b.seats > 0 THEN COALESCE(u.active_users, 0) / b.seats END AS active_user_ratio,
       CASE WHEN $has_usage AND c.features_seen > 0
            THEN COALESCE(f.features_28d, 0) / c.features_seen END AS feature_breadth,
       -- An account with no active user used no key feature: 0, not unknown.
       CASE WHEN $has_usage THEN COALESCE(u.key_users / nullif(u.active_users, 0), 0) END AS key_feature_adoption,
       CASE WHEN $has_usage THEN COALESCE(u.events_28d / nullif(u.active_users, 0), 0) END AS usage_depth,
       CASE WHEN $has_usage AND p.events_prior > 0
            THEN COALESCE(u.events_28d, 0) / p.events_prior - 1 END AS usage_trend,
       CASE WHEN $has_usage AND $has_sponsor_ids THEN CAST(s.active AS DOUBLE) END AS exec_sponsor_active
FROM _base b
LEFT JOIN users u ON u.account_id = b.account_id AND u.as_of = b.as_of
LEFT JOIN feats f ON f.account_id = b.account_id AND f.as_of = b.as_of
LEFT JOIN prior p ON p.account_id = b.account_id AND p.as_of = b.as_of
LEFT JOIN catalogue c ON c.as_of = b.as_of
LEFT JOIN sponsor s ON s.account_id = b.account_id AND s.as_of = b.as_of
