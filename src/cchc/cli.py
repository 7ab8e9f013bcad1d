"""The `cchc` console script: every operator command is a Django management command.

cchc demo [--no-serve]        load demo data (and serve it)
cchc serve                    web server + background worker
cchc migrate | createadmin | backup | restore FILE | worker
cchc audit verify             check the audit log's keyed hash chain and signed checkpoints
cchc audit checkpoint         sign the chain head into a file outside the database
cchc <module> <command> …     e.g. cchc workdays due --from "2026-04-28 16:00" --days 5
"""

import os
import sys

ALIASES = {"createadmin": "createsuperuser"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    if args and args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    execute_from_command_line(["cchc", *args])


if __name__ == "__main__":
    main()
