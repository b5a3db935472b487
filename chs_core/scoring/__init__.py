"""Scoring: metrics to 0-100 points, components, flags, tiers, and the explanation of each score."""
