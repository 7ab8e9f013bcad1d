"""Signals other apps subscribe to (the portal sends notifications from this one).

dossier_status_changed(sender=Dossier, dossier, old_status, new_status, actor) is sent inside the
transaction that changes the status (a transactional outbox): a receiver writes rows only — an
in-app notification, an e-mail queued in the outbox — and they commit with the change or roll back
with it. A receiver must not call out to another system here (the worker delivers the outbox).
"""

from django.dispatch import Signal

dossier_status_changed = Signal()
