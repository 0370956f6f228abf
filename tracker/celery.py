"""The Celery application; workers start it with ``celery -A tracker worker``."""

import gc
import os

from celery import Celery
from celery.signals import task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect(weak=False)
def _freeze_imported_objects(**kwargs) -> None:
    """Keep the objects imported before the pool forks out of the garbage collector's sight.

    A collection in a pool process touches every object it tracks, which
    copies the page each lives on: the pool processes would each end up with a
    private copy of everything the main process imported.
    """
    gc.freeze()


@task_prerun.connect(weak=False)
def _reuse_database_connections(task=None, **kwargs) -> None:
    """Keep a worker's database connection across tasks, as Django keeps one across requests.

    Celery's own fixup would close it around every task (see CELERY_DB_REUSE_MAX
    in the settings); this closes it only when it is broken or older than
    CONN_MAX_AGE, and re-arms the health check. A task run eagerly, inside the
    caller's request or transaction, leaves the caller's connection alone.
    """
    from django.db import close_old_connections

    if task is not None and task.request.is_eager:
        return
    close_old_connections()
