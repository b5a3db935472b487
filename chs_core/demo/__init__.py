"""Demo data: a deterministic synthetic book of accounts whose hidden health drives churn."""
