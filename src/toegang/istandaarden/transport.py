"""How iWmo/iJw messages travel. The messages are the contract; the way they reach the providers (through
the GGk with a StUF envelope in production, see DOMAIN.md §2.1) is an adapter with two calls: ``send``
delivers the pending outgoing messages, ``receive`` picks up and processes what came in. The setting
``ISTANDAARDEN_TRANSPORT`` names the adapter; the default drops and picks up files in a directory."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from toegang.istandaarden import inbound, services


class Transport(Protocol):
    def send(self) -> list[Path]: ...

    def receive(self) -> list[inbound.Outcome]: ...


class DirectoryTransport:
    """``<root>/uit``: the municipality's messages, each written whole and then renamed into place.
    ``<root>/in``: the providers' messages (a name starting with a dot is still being written and is left
    alone). After processing, a file moves to ``in/verwerkt`` (accepted or rejected: it has an answer) or
    ``in/ongeldig`` (invalid), so that it is never picked up twice and nothing that came in is lost."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.outbox = self.root / "uit"
        self.inbox = self.root / "in"

    def send(self) -> list[Path]:
        return services.export_pending(out=self.outbox)

    def receive(self) -> list[inbound.Outcome]:
        if not self.inbox.is_dir():
            return []
        outcomes = []
        for path in sorted(p for p in self.inbox.iterdir() if p.is_file() and not p.name.startswith(".")):
            outcome = inbound.import_file(path, out=self.outbox)
            done = self.inbox / ("ongeldig" if outcome.status == "invalid" else "verwerkt")
            done.mkdir(exist_ok=True)
            target = done / path.name
            counter = 1
            while target.exists():  # a provider may reuse a file name; keep both
                target = done / f"{path.stem}.{counter}{path.suffix}"
                counter += 1
            path.replace(target)
            outcome.file = str(target)
            outcomes.append(outcome)
        return outcomes


def configured() -> Transport:
    adapter: type[Transport] = import_string(settings.ISTANDAARDEN_TRANSPORT)
    return adapter(settings.ISTANDAARDEN_DIR)  # type: ignore[call-arg]
