"""A parallel split with one branch per item of a list known only at run time (the open-source build
documents `Split.Next(..., data_source=...)` but does not implement it; it extends the Material `flow.Split`,
whose index/detail pages every task list and task page links to: the bare `nodes.Split` has none, and reversing
its 'index' broke those pages), and a human step whose assignees an access rule decides."""

from django.core.exceptions import ImproperlyConfigured
from viewflow.workflow import flow
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


class HumanTask(flow.View):
    """A human step limited to the people an access rule names. viewflow's own check lets anyone signed in
    claim an unassigned task that has no `.Permission(...)`, and lets a superuser claim every task; here
    `may_do(user, task)` (a function of editorial/access.py or coordination/access.py) decides who may be
    assigned and who may execute, and `may_hand_over(user, task)` who besides the owner and the flow's
    managers may release or reassign it. `.Permission(...)` still names who sees the task in the unit queue.

        review = HumanTask(views.Review.as_view()).Access(lambda user, task: ...).Next(...)
    """

    _may_do = None
    _may_hand_over = None

    def __init__(self, view, reassign_view=None, **kwargs):
        super().__init__(view, **kwargs)
        if reassign_view is not None:  # viewflow ships no reassign page; the node mounts ours at .../reassign/
            self.reassign_view = reassign_view

    def Access(self, may_do, may_hand_over=None):  # noqa: N802 (viewflow's node API)
        self._may_do, self._may_hand_over = may_do, may_hand_over
        return self

    def may_do(self, user, task) -> bool:
        if self._may_do is None:
            raise ImproperlyConfigured(f"{self.flow_class.__name__}.{self.name} has no access rule")
        return bool(user is not None and user.is_authenticated and user.is_active and self._may_do(user, task))

    def can_assign(self, user, task):
        return not task.owner_id and self.may_do(user, task)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and self.may_do(user, task)

    def can_unassign(self, user, task):
        if super().can_unassign(user, task):
            return True
        return bool(task.owner_id and user is not None and user.is_authenticated and self._may_hand_over
                    and self._may_hand_over(user, task))
