from typing import Any

from pave.core import crypto
from pave.core.management.base import ActionCommand, cli_actor
from pave.core.services import keys_rotate


class Command(ActionCommand):
    help = "Data keys: pave keys rotate | pave keys generate | pave keys status"
    actions = {
        "rotate": "re-encrypt all personal data under a new key (file keys) or the first "
        "key of PAVE_DATA_KEYS, and rebuild the blind indexes",
        "generate": "print a new key to put first in PAVE_DATA_KEYS",
        "status": "show the configured key ids and where they come from",
    }

    def add_action_arguments(self, action: str, parser: Any) -> None:
        if action == "rotate":
            parser.add_argument(
                "--no-new-key", action="store_true", help="only re-encrypt to the current first key"
            )
            parser.add_argument(
                "--retire-old",
                action="store_true",
                help="afterwards drop keys no stored value needs (file keys)",
            )

    def handle_rotate(self, **options: Any) -> None:
        result = keys_rotate(
            actor=cli_actor(), generate=not options["no_new_key"], retire=options["retire_old"]
        )
        self.stdout.write(
            f"current key {result.key_id}: re-encrypted {result.reencrypted} values, "
            f"rebuilt {result.reindexed} blind-index entries"
            + (f", retired {', '.join(result.retired)}" if result.retired else "")
        )

    def handle_generate(self, **options: Any) -> None:
        self.stdout.write(crypto.new_key().encode())

    def handle_status(self, **options: Any) -> None:
        ring = crypto.keyring()
        self.stdout.write(f"source: {ring.source}")
        for index, key in enumerate(ring.keys):
            self.stdout.write(
                f"{key.key_id}\t{'encrypts and decrypts' if index == 0 else 'decrypts'}"
            )
