"""``manage.py db_worker``: django-tasks-db's worker, which first queues again the renders a killed worker
left unfinished (``publishing.requeue_interrupted_renders``; "unfinished" means started more than
RENDER_STALE_SECONDS ago). This command shadows django_tasks_db's because disclosure comes first in
INSTALLED_APPS; every option is the original's."""

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from disclosure.publishing import requeue_interrupted_renders


class Command(WorkerCommand):
    help = WorkerCommand.help + " Interrupted renders of published versions are queued again first."

    def handle(self, *args, **options):
        requeued = requeue_interrupted_renders()
        if requeued:
            self.stdout.write(f"已重新排队 {len(requeued)} 个中断的生成任务：版本 {', '.join(map(str, requeued))}")
        return super().handle(*args, **options)
