"""Render the data contract as Markdown (for the README and `python -m chs_core contract`)."""
from __future__ import annotations

from chs_core.contract import TABLES


def contract_markdown() -> str:
    lines = []
    for table in TABLES:
        need = "required" if table.required else "optional"
        key = f" Key: {', '.join(table.key)}." if table.key else ""
        lines += [f"#### `{table.name}` ({need})", "", f"{table.meaning}{key}", "",
                  "| column | type | required | meaning |", "|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {'yes' if c.required else 'no'} | {c.meaning} |" for c in table.columns]
        lines.append("")
    return "\n".join(lines)
