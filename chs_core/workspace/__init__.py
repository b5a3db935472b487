"""The CSM workspace: the at-risk work queue, why one account scores what it does and how it moved, its evidence."""
from chs_core.workspace.change import Change, explain_change
from chs_core.workspace.explain import Explanation, explain
from chs_core.workspace.queue import QueueFilter, apply_filter, build_queue, order_rule, queue_for, totals

__all__ = ["Change", "Explanation", "QueueFilter", "apply_filter", "build_queue", "explain", "explain_change",
           "order_rule", "queue_for", "totals"]
