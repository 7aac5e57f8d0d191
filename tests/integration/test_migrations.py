import pytest
import sqlalchemy as sa

from shared.db.migrations import upgrade, alembic_config
from alembic import command

SERVICES = ["people", "checkins", "notifications", "resources", "reporting"]


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_upgrade_downgrade_and_match_the_models(service, runtime_for):
    runtime = runtime_for(service)
    url, spec = runtime.settings.database_url, runtime.spec
    expected = set(spec.metadata.tables)
    assert expected <= set(sa.inspect(runtime.engine).get_table_names())

    command.downgrade(alembic_config(spec.migrations_dir, url), "base")
    runtime.engine.dispose()
    assert not expected & set(sa.inspect(runtime.engine).get_table_names())

    upgrade(spec.migrations_dir, url)
    runtime.engine.dispose()
    assert expected <= set(sa.inspect(runtime.engine).get_table_names())


@pytest.mark.parametrize("service", SERVICES)
def test_models_and_migrations_do_not_drift(service, runtime_for):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    runtime = runtime_for(service)
    with runtime.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), runtime.spec.metadata)
    assert diff == []
