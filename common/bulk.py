"""Writing many rows of a few shapes in one round trip on PostgreSQL, with no model object per row.

A bulk path (the fan-out: thousands of assignments, their history, events, processes and tasks) writes rows
that are all alike but for a few columns (an id, the unit, the process). `insert_select(template, ...)` turns
one unsaved model instance into `INSERT INTO <table> (<every column>) SELECT ... FROM <source>`: every column
holds what the ORM's INSERT would write for the template (defaults, `pre_save`, `get_db_prep_save`: the same
preparation bulk_create does), except the columns named in `varying`, read from the source (a CTE over
`unnest(...)` arrays). Several such INSERTs chained as data-modifying CTEs of one statement write every table
of a batch in one round trip, and the server builds the rows. Ids are drawn with `nextval()` of the table's
own sequence (`sequence_of`), so one row's id can go in several tables.

PostgreSQL only (`supported()`); callers keep their ORM path for the other databases, and their tests compare
the two paths' rows field by field."""

from django.db import connection, models
from django.db.models.expressions import RawSQL


def supported() -> bool:
    return connection.vendor == "postgresql"


def qn(name: str) -> str:
    return connection.ops.quote_name(name)


def sql_type(field: models.Field) -> str:
    """The column's type, to cast a parameter (or an array of them, with `[]`) to."""
    return field.cast_db_type(connection) or field.db_type(connection)


_sequences: dict[tuple[str, str], str] = {}


def sequence_of(model: type[models.Model]) -> str:
    """`nextval(...)` of the sequence (serial or identity) behind the model's id, as SQL."""
    key = (connection.settings_dict["NAME"], model._meta.db_table)
    if key not in _sequences:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
            (name,) = cursor.fetchone()
        _sequences[key] = name
    return f"nextval('{_sequences[key]}'::regclass)"


def insert_select(template: models.Model, source: str, varying: dict[str, str], *,
                  omit: tuple[str, ...] = ()) -> tuple[str, list]:
    """`INSERT INTO <template's table> (...) SELECT ... FROM <source>` and its parameters: each concrete column
    as the ORM would write `template`, but `varying` (attname -> SQL over the source) for the columns that
    differ row by row. The primary key is left to its default when the template has none and `varying` does
    not name it; `omit` leaves other columns to their database default."""
    meta = template._meta
    columns, values, params = [], [], []
    for field in meta.concrete_fields:
        if field.attname in omit:
            continue
        if field.attname in varying:
            expression = varying[field.attname]
        else:
            if field.primary_key and getattr(template, field.attname) is None:
                continue
            expression = f"%s::{sql_type(field)}"
            params.append(field.get_db_prep_save(field.pre_save(template, add=True), connection))
        columns.append(qn(field.column))
        values.append(expression)
    return (f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}",
            params)


def statement(head: str, head_params: list, inserts: list[tuple[str, list]], tail: str) -> tuple[str, list]:
    """`WITH <head>, i0 AS (<insert>), i1 AS (...) <tail>`: the source CTEs, the inserts from
    `insert_select`, and the final SELECT, with their parameters in order."""
    sql = ", ".join([head, *(f"i{n} AS ({insert})" for n, (insert, _params) in enumerate(inserts))])
    params = list(head_params)
    for _insert, insert_params in inserts:
        params += insert_params
    return f"WITH {sql} {tail}", params


def any_of(values) -> list | RawSQL:
    """What to give `field__in=` for thousands of values: on PostgreSQL one array parameter
    (`IN (SELECT unnest(%s))`) instead of a placeholder per value, elsewhere the list itself."""
    values = list(values)
    if not values or not supported():
        return values
    return RawSQL("SELECT unnest(%s)", [values])
