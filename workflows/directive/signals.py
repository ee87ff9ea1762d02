"""What the directive flow's steps announce. A step runs inside a task page, and the code that reacts needs
the flow classes (whose task pages import the steps), so the steps send these and `receivers.py` reacts."""

from django.dispatch import Signal

# A leader approved a directive (DirectiveFlow.approve): receivers.py queues its fan-out job after commit.
directive_approved = Signal()  # directive_id

# A top-level unit's assignment was accepted (UnitAssignmentFlow.review, or a period report's review): the
# directive's wait for its units (DirectiveFlow.wait_assignments) may end; receivers.py checks after commit.
unit_finished = Signal()  # directive_id

# A unit received its assignment (UnitAssignmentFlow.acknowledge): a broadcast directive's commune has said when
# it will air the bulletin; workflows/broadcast schedules its loudspeaker clusters.
unit_acknowledged = Signal()  # assignment_id
