"""Signals other apps subscribe to (the portal sends notifications from this one).

dossier_status_changed(sender=Dossier, dossier, old_status, new_status, actor) is sent after the
transaction that changed the status commits — never for a change that was rolled back.
"""

from django.dispatch import Signal

dossier_status_changed = Signal()
