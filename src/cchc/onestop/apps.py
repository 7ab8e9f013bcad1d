from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _summary(user):
    from cchc.core.formatting import format_number

    from . import selectors

    return [
        (_("Open in my queue"), format_number(selectors.work_queue(user, scope="mine").count())),
        (_("Overdue in my units"), format_number(selectors.overdue_dossiers(user).count())),
    ]


class OnestopConfig(AppConfig):
    name = "cchc.onestop"
    label = "onestop"
    verbose_name = _("One-stop shop")

    def ready(self):
        from cchc.core.jobs import register_job
        from cchc.core.metrics import Metric, register_metric
        from cchc.core.navigation import NavItem, register_nav

        from . import access, book, services, statistics  # noqa: F401  (permissions, audit events, job "onestop.book")

        @register_job("onestop.warnings", _("Due-date warnings"))
        def warnings_job(progress, job=None, within_days: int = 2):
            actor = job.created_by if job is not None and getattr(job, "created_by_id", None) else None
            run = services.dossier_warnings_record(actor=actor, within_days=within_days, progress=progress)
            return {"warned": run.warned, "e_mails": run.e_mails, "no_email": run.no_email}

        register_nav(
            NavItem(
                "onestop",
                _("One-stop shop"),
                "onestop:queue",
                access.VIEW.code,
                _("Receiving desk, work queues, deadlines and statistics of dossiers."),
                40,
                summary=_summary,
            )
        )
        for name, label, unit, compute, description in [
            (
                "onestop.on_time_rate",
                _("Dossiers resolved on time"),
                "percent",
                statistics.metric_on_time_rate,
                _("Finished dossiers received in the period whose processing ended by the legal due date."),
            ),
            (
                "onestop.on_time_rate_766",
                _("Dossiers resolved on time (QĐ 766 view)"),
                "percent",
                statistics.metric_on_time_rate_evaluation,
                _("As above, with supplementation pauses subtracted and more than one request counted late."),
            ),
            (
                "onestop.online_share",
                _("Dossiers filed online"),
                "percent",
                statistics.metric_online_share,
                _("Dossiers received in the period that were filed online (channel 2)."),
            ),
            (
                "onestop.online_payment_share",
                _("Fees paid online"),
                "percent",
                statistics.metric_online_payment_share,
                _("Dossiers with a fee received in the period whose fee was paid online."),
            ),
            (
                "onestop.average_processing_days",
                _("Average processing time (working days)"),
                "number",
                statistics.metric_average_days,
                _("Working days from receipt to end of processing, pauses subtracted."),
            ),
        ]:
            register_metric(
                Metric(name=name, label=label, unit=unit, compute=compute, description=description)
            )
