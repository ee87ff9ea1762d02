"""A parallel split with one branch per item of a list known only at run time (the open-source build
documents `Split.Next(..., data_source=...)` but does not implement it). It extends the Material
`flow.Split`, whose index/detail/undo/revive pages every task list and task page links to: the bare
`nodes.Split` has none, and reversing its 'index' broke those pages (NoReverseMatch)."""

from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.flow import Split
from viewflow.workflow.nodes.split import SplitActivation


class DynamicSplitActivation(SplitActivation):
    @Activation.status.super()
    def activate(self):
        for node, case, data_source in self.flow_task._branches:
            if case and not case(self):
                continue
            if data_source is None:
                self.next_tasks.append((node, None))
            else:
                self.next_tasks.extend((node, item) for item in data_source(self))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class DynamicSplit(Split):
    """`.Next(this.review, data_source=lambda activation: [{"reviewer": 1}, ...])` creates one `review` task
    per item, with the item as `task.data` (which `.Assign(callable)` can read)."""

    activation_class = DynamicSplitActivation

    def Next(self, node, case=None, data_source=None):  # noqa: N802 (viewflow's node API)
        self._activate_next.append((node, case, data_source))
        return self
