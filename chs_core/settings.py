"""Where the bundled files live: the demo database and the default model (shared by the CLI and the app)."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_DATABASE = REPO_ROOT / "data" / "demo.duckdb"  # generated on first use, never committed
DEFAULT_MODEL = REPO_ROOT / "model.yaml"
