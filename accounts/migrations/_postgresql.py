"""For migrations that run SQL of PostgreSQL's own (triggers in plpgsql): nothing on SQLite."""

from collections.abc import Callable
from typing import Any


def postgresql_only(sql: str) -> Callable[[Any, Any], None]:
    """A RunPython function that executes `sql` on PostgreSQL and does nothing elsewhere."""

    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)  # None: a %s in the SQL is not a parameter

    return run
