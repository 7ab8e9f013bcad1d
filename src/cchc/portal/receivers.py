"""Reactions to other apps' events."""

import logging

log = logging.getLogger(__name__)


def on_dossier_status_changed(sender, dossier, old_status, new_status, actor=None, **kwargs):
    """onestop sends this inside the transaction of the change: the applicant's notification rows are
    written in it, so a committed change always has them and a rolled-back one has none."""
    from .services import dossier_status_notify

    if old_status == new_status:
        return
    dossier_status_notify(dossier=dossier, old_status=old_status, new_status=new_status)
