"""Send the exchange outbox now (what `cchc worker` does between jobs), e.g. from cron or by hand."""

from django.core.management.base import BaseCommand

from cchc.edocs.exchange import outbox_flush


class Command(BaseCommand):
    help = "Send the due packages and status messages of the exchange outbox, until none is due."

    def handle(self, *args, **options):
        total = {"sent": 0, "refused": 0, "failed": 0, "given_up": 0}
        while True:
            result = outbox_flush()
            for key in total:
                total[key] += getattr(result, key)
            if not (result.sent or result.refused):
                break
        self.stdout.write(
            "edocs outbox: {sent} delivered, {refused} refused by the peer, {failed} to retry, "
            "{given_up} given up".format(**total)
        )
