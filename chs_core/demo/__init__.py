"""Demo data: a deterministic synthetic book of accounts whose hidden health drives churn (build writes it)."""
from chs_core.demo.build import DEMO_SEED, build_demo_database, generate_demo

__all__ = ["DEMO_SEED", "build_demo_database", "generate_demo"]
