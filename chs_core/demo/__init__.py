"""Demo data: a deterministic synthetic book of accounts whose hidden health drives churn (build writes it)."""
from chs_core.demo.build import DEMO_SEED, build_demo_database, generate_demo
from chs_core.demo.stories import STORY_ACCOUNT, StoryDates, story_dates

__all__ = ["DEMO_SEED", "STORY_ACCOUNT", "StoryDates", "build_demo_database", "generate_demo", "story_dates"]
