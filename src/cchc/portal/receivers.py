"""Reactions to other apps' events."""

import logging

log = logging.getLogger(__name__)


def on_dossier_status_changed(sender, dossier, old_status, new_status, actor=None, **kwargs):
    """onestop sends this after the change commits: tell the applicant on every configured channel."""
    from .services import dossier_status_notify

    if old_status == new_status:
        return
    dossier_status_notify(dossier=dossier, old_status=old_status, new_status=new_status)
