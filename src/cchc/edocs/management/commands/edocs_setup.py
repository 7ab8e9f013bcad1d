"""Set up this platform for the exchange: a test CA, our agency and its certificate, trusted CAs, peers.

    cchc edocs_setup --new-ca var/ca                          # a test CA (ca.pem, ca.key) for demo/tests
    cchc edocs_setup --agency 000.00.00.G04 --name "Bộ Nội vụ" --ca var/ca   # unit + certificate
    cchc edocs_setup --peer "000.00.00.G12|Bộ Tư pháp|https://vanban.moj.example" --token s3cret
    cchc edocs_setup --user vanthu:password --agency 000.00.00.G04    # a clerk (văn thư) with a leader's roles

A real deployment installs the certificate issued by the national CA instead of `--ca`
(`--cert cert.pem --key key.pem`), and trusts that CA with `--trust ca.pem`.
"""

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cchc.org.models import Agency, AgencyType, Role


def system_actor():
    User = get_user_model()
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("id").first()
    if user is None:
        user = User.objects.create_superuser("edocs-setup", None, None, kind="staff")
        user.set_unusable_password()
        user.save()
    return user


class Command(BaseCommand):
    help = "Configure the electronic document exchange (test CA, agency certificate, trusted CAs, peers)."

    def add_arguments(self, parser):
        parser.add_argument("--new-ca", metavar="DIR", help="generate a test CA into DIR (ca.pem, ca.key)")
        parser.add_argument("--agency", metavar="CODE", help="our unit's identifier code")
        parser.add_argument("--name", default="", help="its name (creates the unit if missing)")
        parser.add_argument(
            "--ca", metavar="DIR", help="issue the unit's certificate from this test CA and trust it"
        )
        parser.add_argument("--cert", help="the unit's certificate (PEM)")
        parser.add_argument("--key", help="the unit's private key (PEM)")
        parser.add_argument("--trust", action="append", default=[], help="trust a CA certificate (PEM)")
        parser.add_argument("--peer", action="append", default=[], help="CODE|NAME|URL of an external agency")
        parser.add_argument("--token", default="", help="shared token for the peers given (kept if omitted)")
        parser.add_argument(
            "--user", help="USERNAME:PASSWORD of a document clerk with leader and officer roles"
        )

    def handle(self, *args, **o):
        from django.core.exceptions import ValidationError

        try:
            with transaction.atomic():
                self._setup(o)
        except ValidationError as exc:
            # the services' checks, as the pages show them
            raise CommandError(" ".join(exc.messages)) from None

    def _setup(self, o):
        from cchc.edocs import services, signing
        from cchc.org import services as org_services

        if o["new_ca"]:
            folder = Path(o["new_ca"])
            folder.mkdir(parents=True, exist_ok=True)
            ca = signing.generate_ca("CCHC Test CA (không dùng thật)")
            (folder / "ca.pem").write_bytes(ca.cert_pem)
            (folder / "ca.key").touch(mode=0o600)
            (folder / "ca.key").write_bytes(ca.key_pem)
            self.stdout.write(f"test CA written to {folder}")
        actor = system_actor()
        for path in o["trust"]:
            services.trusted_ca_add(actor=actor, name=Path(path).stem, cert_pem=Path(path).read_bytes())
        agency = None
        if o["agency"]:
            agency = Agency.objects.filter(code=o["agency"]).first()
            if agency is None:
                if not o["name"]:
                    raise CommandError(f"no unit {o['agency']}; give --name to create it")
                agency = org_services.agency_create(
                    actor=actor,
                    code=o["agency"],
                    name=o["name"],
                    type=AgencyType.MINISTRY,
                    valid_from=date(2020, 1, 1),
                    record_change=False,
                )
            for direction, code, name in (
                ("out", "VBDI", "Sổ văn bản đi"),
                ("in", "VBDEN", "Sổ văn bản đến"),
            ):
                services.register_create(
                    actor=actor, agency=agency, direction=direction, code=code, name=name, exist_ok=True
                )
        if o["ca"]:
            if agency is None:
                raise CommandError("--ca needs --agency")
            folder = Path(o["ca"])
            ca = signing.KeyPair(
                key_pem=(folder / "ca.key").read_bytes(), cert_pem=(folder / "ca.pem").read_bytes()
            )
            pair = signing.issue_agency_certificate(ca, agency.code, agency.name)
            # trusted first: an installed certificate must chain to a trusted CA
            services.trusted_ca_add(actor=actor, name="CCHC Test CA", cert_pem=ca.cert_pem)
            services.certificate_install(
                actor=actor, agency=agency, cert_pem=pair.cert_pem, key_pem=pair.key_pem
            )
            self.stdout.write(f"certificate issued and installed for {agency.code}")
        if o["cert"] or o["key"]:
            if agency is None or not (o["cert"] and o["key"]):
                raise CommandError("--cert and --key go together, with --agency")
            services.certificate_install(
                actor=actor,
                agency=agency,
                cert_pem=Path(o["cert"]).read_bytes(),
                key_pem=Path(o["key"]).read_bytes(),
            )
        for spec in o["peer"]:
            try:
                code, name, url = spec.split("|", 2)
            except ValueError:
                raise CommandError(f"--peer expects CODE|NAME|URL, got {spec!r}") from None
            services.peer_save(actor=actor, code=code, name=name, endpoint_url=url, token=o["token"] or None)
        if o["user"]:
            if agency is None:
                raise CommandError("--user needs --agency")
            username, _sep, password = o["user"].partition(":")
            User = get_user_model()
            user = User.objects.filter(username=username).first() or org_services.staff_create(
                actor=actor,
                username=username,
                full_name=f"Văn thư {agency.code}",
                unit=agency,
                password=password or None,
            )
            for role in (Role.DOCUMENT_CLERK, Role.UNIT_LEADER, Role.PROCESSING_OFFICER):
                org_services.role_assign(
                    actor=actor, user=user, role=role, agency=agency, include_subtree=True
                )
        self.stdout.write("edocs: set up")
