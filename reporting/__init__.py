"""Periodic statistics reports (báo cáo định kỳ): indicators, the calendar, periods, unit reports, aggregation,
exports and pages. Built on coordination's directives (a period is carried by one); coordination knows
nothing of it and tells it what happens to a directive through coordination.signals."""
