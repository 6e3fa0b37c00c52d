import time
from typing import Any

from django.core.management.base import CommandError
from tqdm import tqdm

from pave.accounts.models import Organisation
from pave.core.management.base import ActionCommand
from pave.demo import services
from pave.demo.common import DEMO_AS_OF, DEMO_ORGANISATION, PROJECT_START, DemoError
from pave.demo.generate import demo_generate
from pave.demo.organisations import ORGANISATIONS, logins_path, logins_table, logins_write


class Command(ActionCommand):
    help = (
        "Demo data: pave demo load [--if-empty] | pave demo logins | pave demo generate --persons N"
    )
    actions = {
        "load": "create the demo programme (partners, one user per role, the factsheet's 89 "
        "assisted migrants with the services, referrals and follow-up they received up to "
        "30 June 2014) in an empty database",
        "logins": "print the demo users and passwords written by `pave demo load`",
        "generate": "bulk-create synthetic persons and cases (benchmarks)",
    }

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "load":
            parser.add_argument(
                "--if-empty",
                action="store_true",
                help="do nothing (and succeed) if any organisation exists",
            )
        elif action == "generate":
            parser.add_argument("--persons", type=int, required=True)
            parser.add_argument(
                "--org",
                default=DEMO_ORGANISATION,
                help="code of the organisation holding the cases",
            )
            parser.add_argument("--seed", type=int, default=1)
            parser.add_argument("--batch", type=int, default=5000, help="persons per transaction")

    def handle_load(self, **options: Any) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("demo not loaded: the database already holds organisations")
            return
        started = time.monotonic()
        try:
            result = services.demo_load()
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        path = logins_write(result.logins)
        stages = ", ".join(f"{n} {stage}" for stage, n in result.stages.items())
        families = ", ".join(f"{n} {family}" for family, n in result.delivered.items())
        referrals = ", ".join(f"{n} {status}" for status, n in result.referrals.items())
        self.stdout.write(
            f"demo programme loaded in {time.monotonic() - started:.1f} s: "
            f"{len(ORGANISATIONS)} organisations, {len(result.logins)} users, "
            f"{result.cases} cases at {DEMO_ORGANISATION} ({stages}); "
            f"{result.assisted} persons directly assisted from "
            f"{PROJECT_START:%-d %B %Y} to {DEMO_AS_OF:%-d %B %Y} "
            f"(services delivered: {families}); "
            f"{sum(result.referrals.values())} referrals ({referrals}); "
            f"{result.directory} service directory entries\n"
        )
        self.stdout.write(logins_table(result.logins))
        self.stdout.write(
            f"\nThese logins are saved in {path} (mode 0600): `pave demo logins` prints them again."
        )

    def handle_logins(self, **options: Any) -> None:
        path = logins_path()
        if not path.exists():
            # Not an error: `make run` calls this on installations without the demo too.
            self.stdout.write(
                f"No demo logins in {path}: the demo programme was not loaded "
                "here (run `pave demo load` on an empty database)."
            )
            return
        self.stdout.write(path.read_text().rstrip("\n"))

    def handle_generate(self, **options: Any) -> None:
        started = time.monotonic()
        # tqdm redraws one line with "\r": give it the raw stream, not Django's line wrapper.
        with tqdm(
            total=options["persons"],
            unit=" persons",
            unit_scale=True,
            disable=None,
            file=self.stderr._out,
        ) as bar:
            try:
                done = demo_generate(
                    persons=options["persons"],
                    organisation_code=options["org"],
                    seed=options["seed"],
                    batch=options["batch"],
                    progress=bar.update,
                )
            except DemoError as exc:
                raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"generated {done} persons and cases for {options['org']} in "
            f"{elapsed:.1f} s ({done / elapsed:,.0f} persons/s)"
        )
