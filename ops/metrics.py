"""Prometheus metrics (prometheus_client), computed from the database at each scrape, so every process answers
the same: notifications written and pushed, fan-outs by state, jobs failed, each outbox's backlog, open tasks per
flow."""

from django.core.cache import cache
from django.db.models import Count
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from broadcast.models import Command
from coordination.models import Directive
from editorial.models import BulletinAudio, ZaloMessage
from notifications import push
from notifications.models import Delivery as NotificationDelivery
from notifications.models import Notification
from outreach.models import Delivery as OutreachDelivery
from workflows.inbox import FLOWS

from .jobs import FAILED_KEY


class ProductCollector:
    def collect(self):
        yield CounterMetricFamily("ttcs_notifications", "Notifications written", value=Notification.objects.count())
        pushed = CounterMetricFamily("ttcs_notification_deliveries", "Notification delivery attempts",
                                     labels=["channel", "status"])
        websocket_sent = (NotificationDelivery.Channel.WEBSOCKET.value, NotificationDelivery.Status.SENT.value)
        counts = {websocket_sent: 0}
        for row in NotificationDelivery.objects.values("channel", "status").annotate(n=Count("pk")).order_by():
            counts[row["channel"], row["status"]] = row["n"]
        # Pushes the layer took leave no row (notifications.services): their count is kept in the cache.
        counts[websocket_sent] += push.sent_count()
        for (channel, status), n in counts.items():
            pushed.add_metric([channel, status], n)
        yield pushed
        fanouts = GaugeMetricFamily("ttcs_directives", "Directives by state", labels=["status"])
        for row in Directive.objects.values("status").annotate(n=Count("pk")).order_by():
            fanouts.add_metric([row["status"]], row["n"])
        yield fanouts
        yield CounterMetricFamily("ttcs_jobs_failed", "Background job failures (since the cache was emptied)",
                                  value=cache.get(FAILED_KEY) or 0)
        backlog = GaugeMetricFamily("ttcs_outbox_backlog", "Work waiting in each outbox", labels=["channel"])
        backlog.add_metric(["zalo"], ZaloMessage.objects.filter(status=ZaloMessage.Status.PENDING).count())
        backlog.add_metric(["email"], Notification.objects.filter(email_due_at__isnull=False,
                                                                  emailed_at__isnull=True).count())
        backlog.add_metric(["propagandists"], OutreachDelivery.objects.filter(
            status=OutreachDelivery.Status.PENDING).count())
        backlog.add_metric(["loudspeakers"], Command.objects.filter(status=Command.Status.QUEUED).count())
        backlog.add_metric(["audio"], BulletinAudio.objects.filter(status__in=[
            BulletinAudio.Status.QUEUED, BulletinAudio.Status.RENDERING]).count())
        yield backlog
        tasks = GaugeMetricFamily("ttcs_open_tasks", "Open human tasks per flow", labels=["flow"])
        for key, flow_class in FLOWS.items():
            tasks.add_metric([key], Task.objects.filter(
                flow_task_type="HUMAN", status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
                process__flow_class=flow_class).count())
        yield tasks
