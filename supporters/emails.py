"""The supporters app's emails: one template pair (text and HTML) per message, sent through Django's email API.

Links in emails are absolute (`pages.conf.pages_setting("BASE_URL")`). Never call this inside a transaction that
should not wait for the mail server: services call it from tasks or after their writes are committed.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from pages.conf import pages_setting


def message_send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    reply_to: str = "",
) -> None:
    """Render `supporters/email/<template>.txt` and `.html` with `context` and send them to one address.

    `attachments`: (filename, content, MIME type) each, e.g. an event's `.ics`.
    `reply_to`: a signed reply address (`supporters.replies`), so an answer by mail is linked to this message.
    """
    context = {**context, "base_url": pages_setting("BASE_URL"), "subject": subject}
    text = render_to_string(f"supporters/email/{template}.txt", context)
    html = render_to_string(f"supporters/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=[reply_to] if reply_to else None,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    message.send()
