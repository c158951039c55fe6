"""Transport: the only code that touches `django.core.mail`. Here: the outbox backend for local use."""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class OutboxEmailBackend(BaseEmailBackend):
    """Writes each message as a complete .eml file (all headers and MIME parts) into EMAIL_OUTBOX_DIR.

    A newcomer can open what the site "sent" in any mail client; nothing leaves the machine.
    """

    def __init__(self, *, outbox_dir: str | Path | None = None, fail_silently: bool = False, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.outbox_dir = Path(outbox_dir or settings.EMAIL_OUTBOX_DIR)

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        self.outbox_dir.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            recipient = re.sub(r"[^A-Za-z0-9@._-]+", "_", (message.recipients() or ["unknown"])[0])
            stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
            path = self.outbox_dir / f"{stamp}-{recipient}-{uuid.uuid4().hex[:8]}.eml"
            try:
                path.write_bytes(message.message().as_bytes(linesep="\r\n"))
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            sent += 1
        return sent
