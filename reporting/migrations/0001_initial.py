"""Periodic reporting's models, until now coordination's (coordination 0010 let them go): taken over in the
migration state as they are, their rows kept; then their content types (and so every permission granted on
them, admin log entries, object permissions) move to the app label `reporting`, and the tables and the one
named index are renamed to reporting's defaults."""

import django.core.serializers.json
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

MODELS = ["indicator", "reportingschedule", "reportingperiod", "historicalreportingperiod", "unitreport"]


def content_types_move(apps, schema_editor, *, source="coordination", target="reporting"):
    """Relabel the models' content types in place, so the rows that point to them stay valid. On a database
    where the target's content type already exists (created by a post_migrate in between), the fresh one
    gives way: its permissions cannot have been granted before it existed in this deployment."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def content_types_back(apps, schema_editor):
    content_types_move(apps, schema_editor, source="reporting", target="coordination")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('coordination', '0010_periodic_reporting_moved_out'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('org', '0002_membership_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalReportingPeriod',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('half_year', '6 tháng'), ('annual', 'Năm')], max_length=10, verbose_name='loại kỳ')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm')),
                        ('structure', models.CharField(choices=[('city', 'Thành phố và Sở'), ('2025', 'Cơ cấu năm 2025 (3 cấp)'), ('current', 'Cơ cấu hiện hành (2 cấp, từ 1/7/2025)')], default='2025', max_length=20, verbose_name='cơ cấu đơn vị')),
                        ('cutoff_date', models.DateField(verbose_name='số liệu tính đến ngày')),
                        ('due_date', models.DateField(verbose_name='hạn gửi báo cáo')),
                        ('status', models.CharField(choices=[('draft', 'Chưa mở'), ('open', 'Đang thu thập'), ('closed', 'Đã kết thúc'), ('cancelled', 'Đã hủy')], default='draft', max_length=10, verbose_name='trạng thái')),
                        ('indicators', models.JSONField(blank=True, default=list, editable=False, verbose_name='bộ chỉ tiêu của kỳ')),
                        ('opened_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm mở kỳ')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm kết thúc')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('directive', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='coordination.directive', verbose_name='văn bản chỉ đạo')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('opened_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người mở kỳ')),
                    ],
                    options={
                        'db_table': 'coordination_historicalreportingperiod',
                        'verbose_name': 'lịch sử kỳ báo cáo',
                        'verbose_name_plural': 'lịch sử kỳ báo cáo',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Indicator',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(max_length=60, unique=True, validators=[django.core.validators.RegexValidator('^[a-z][a-z0-9]*(_[a-z0-9]+)*$', 'Mã chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới (không hai dấu liền nhau).')], verbose_name='mã')),
                        ('group', models.CharField(max_length=100, verbose_name='nhóm')),
                        ('name', models.CharField(max_length=300, verbose_name='chỉ tiêu')),
                        ('unit_of_measure', models.CharField(blank=True, max_length=50, verbose_name='đơn vị tính')),
                        ('kind', models.CharField(choices=[('integer', 'Số nguyên'), ('decimal', 'Số thập phân'), ('boolean', 'Có/Không'), ('choice', 'Chọn một trong danh sách')], default='integer', max_length=10, verbose_name='kiểu dữ liệu')),
                        ('choices', models.TextField(blank=True, help_text='Mỗi dòng một lựa chọn, dạng mã|nhãn (chỉ dùng cho kiểu lựa chọn).', verbose_name='các lựa chọn')),
                        ('required', models.BooleanField(default=False, verbose_name='bắt buộc')),
                        ('non_negative', models.BooleanField(default=True, verbose_name='không âm')),
                        ('help_text', models.CharField(blank=True, max_length=300, verbose_name='hướng dẫn')),
                        ('position', models.PositiveIntegerField(default=0, verbose_name='thứ tự')),
                        ('is_active', models.BooleanField(default=True, verbose_name='đang dùng')),
                        ('not_more_than', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reporting.indicator', verbose_name='không lớn hơn chỉ tiêu')),
                    ],
                    options={
                        'db_table': 'coordination_indicator',
                        'verbose_name': 'chỉ tiêu báo cáo',
                        'verbose_name_plural': 'chỉ tiêu báo cáo',
                        'ordering': ['position', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportingPeriod',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('half_year', '6 tháng'), ('annual', 'Năm')], max_length=10, verbose_name='loại kỳ')),
                        ('year', models.PositiveSmallIntegerField(verbose_name='năm')),
                        ('structure', models.CharField(choices=[('city', 'Thành phố và Sở'), ('2025', 'Cơ cấu năm 2025 (3 cấp)'), ('current', 'Cơ cấu hiện hành (2 cấp, từ 1/7/2025)')], default='2025', max_length=20, verbose_name='cơ cấu đơn vị')),
                        ('cutoff_date', models.DateField(verbose_name='số liệu tính đến ngày')),
                        ('due_date', models.DateField(verbose_name='hạn gửi báo cáo')),
                        ('status', models.CharField(choices=[('draft', 'Chưa mở'), ('open', 'Đang thu thập'), ('closed', 'Đã kết thúc'), ('cancelled', 'Đã hủy')], default='draft', max_length=10, verbose_name='trạng thái')),
                        ('indicators', models.JSONField(blank=True, default=list, editable=False, verbose_name='bộ chỉ tiêu của kỳ')),
                        ('opened_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm mở kỳ')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm kết thúc')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('directive', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reporting_period', to='coordination.directive', verbose_name='văn bản chỉ đạo')),
                        ('opened_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người mở kỳ')),
                    ],
                    options={
                        'db_table': 'coordination_reportingperiod',
                        'verbose_name': 'kỳ báo cáo',
                        'verbose_name_plural': 'kỳ báo cáo',
                        'ordering': ['-cutoff_date', 'structure'],
                    },
                ),
                migrations.CreateModel(
                    name='ReportingSchedule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('half_year', '6 tháng'), ('annual', 'Năm')], max_length=10, unique=True, verbose_name='loại kỳ')),
                        ('cutoff_day', models.PositiveSmallIntegerField(verbose_name='số liệu tính đến ngày')),
                        ('cutoff_month', models.PositiveSmallIntegerField(verbose_name='tháng')),
                        ('due_day', models.PositiveSmallIntegerField(verbose_name='hạn gửi ngày')),
                        ('due_month', models.PositiveSmallIntegerField(verbose_name='tháng')),
                        ('open_day', models.PositiveSmallIntegerField(verbose_name='tự động mở kỳ ngày')),
                        ('open_month', models.PositiveSmallIntegerField(verbose_name='tháng')),
                        ('structure', models.CharField(blank=True, choices=[('2025', 'Cơ cấu năm 2025 (3 cấp)'), ('current', 'Cơ cấu hiện hành (2 cấp, từ 1/7/2025)')], help_text='Để trống: cơ cấu đang có xã/phường trong hệ thống (ưu tiên cơ cấu hiện hành).', max_length=20, verbose_name='cơ cấu đơn vị')),
                        ('is_active', models.BooleanField(default=True, verbose_name='tự động mở kỳ')),
                        ('opener', models.ForeignKey(blank=True, help_text='Để trống: lãnh đạo Phòng Thông tin - Báo chí - Xuất bản.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người mở kỳ tự động')),
                    ],
                    options={
                        'db_table': 'coordination_reportingschedule',
                        'verbose_name': 'lịch báo cáo định kỳ',
                        'verbose_name_plural': 'lịch báo cáo định kỳ',
                        'ordering': ['cutoff_month'],
                    },
                ),
                migrations.CreateModel(
                    name='UnitReport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('draft', 'Đang nhập'), ('submitted', 'Đã gửi'), ('returned', 'Bị trả lại'), ('accepted', 'Đã chấp nhận')], default='draft', max_length=10, verbose_name='trạng thái')),
                        ('values', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder, verbose_name='số liệu')),
                        ('notes', models.TextField(blank=True, verbose_name='ghi chú, thuyết minh')),
                        ('updated_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='cập nhật lúc')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='gửi lúc')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='xem xét lúc')),
                        ('return_comment', models.TextField(blank=True, verbose_name='ý kiến trả lại')),
                        ('assignment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='unit_report', to='coordination.assignment', verbose_name='nhiệm vụ')),
                        ('period', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reports', to='reporting.reportingperiod', verbose_name='kỳ báo cáo')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người xem xét')),
                        ('submitted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người gửi')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='period_reports', to='org.unit', verbose_name='đơn vị')),
                        ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'coordination_unitreport',
                        'verbose_name': 'báo cáo của đơn vị',
                        'verbose_name_plural': 'báo cáo của đơn vị',
                        'ordering': ['unit__path'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='reportingperiod',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'cancelled'), _negated=True), fields=('kind', 'year', 'structure'), name='one_live_period_per_kind_year'),
                ),
                migrations.AddIndex(
                    model_name='unitreport',
                    index=models.Index(fields=['period', 'status'], name='coordinatio_period__9e7022_idx'),
                ),
                migrations.AddConstraint(
                    model_name='unitreport',
                    constraint=models.UniqueConstraint(fields=('period', 'unit'), name='one_report_per_unit_period'),
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_back),
        migrations.AlterModelTable(name='indicator', table=None),
        migrations.AlterModelTable(name='reportingschedule', table=None),
        migrations.AlterModelTable(name='reportingperiod', table=None),
        migrations.AlterModelTable(name='historicalreportingperiod', table=None),
        migrations.AlterModelTable(name='unitreport', table=None),
        migrations.RenameIndex(model_name='unitreport', new_name='reporting_u_period__f45ff8_idx',
                               old_name='coordinatio_period__9e7022_idx'),
    ]
