"""Shared plumbing for `pave` subcommands: sub-actions, actor for the audit log, errors."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pave.core.audit import client_address


def cli_actor() -> str:
    """Who runs an administrative command: recorded as 'cli:<os user>' in the audit log."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)


class ActionCommand(BaseCommand):
    """A command with sub-actions: `pave <command> <action> ...` calls `handle_<action>`."""

    actions: dict[str, str] = {}

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        for action, help_text in self.actions.items():
            self.add_action_arguments(action, sub.add_parser(action, help=help_text))

    def add_action_arguments(self, action: str, parser: Any) -> None:
        pass

    def handle(self, *args: Any, **options: Any) -> None:
        client_address.set("cli")
        try:
            getattr(self, f"handle_{options['action'].replace('-', '_')}")(**options)
        except ValidationError as exc:
            raise CommandError(validation_message(exc)) from exc
