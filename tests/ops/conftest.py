import pytest

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings):
    """Jobs go on the database queue, as in production, instead of running immediately."""
    settings.TASKS = DATABASE_QUEUE
    settings.CONVENOR_BACKGROUND_TASKS = True
    settings.CONVENOR_WORKER_LOST_AFTER_SECONDS = 60
    return settings


from tests.threat.conftest import areas, imported, threat  # noqa: E402, F401  (shared fixtures)
