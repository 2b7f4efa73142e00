"""Background tasks: thin — take ids, load, call one service."""

from django_tasks import task


@task()
def import_publications_task(*, import_id: int) -> str:
    from accord.directory.services.publications import run_publication_import

    return str(run_publication_import(import_id=import_id).state)
