"""The outbox helpers later flows rely on: read the newest email, follow its link, check and picture its HTML."""

from django.core.mail import EmailMultiAlternatives

from .support import E2E, Outbox, check_accessibility, screenshot, show_email

pytestmark = E2E

HTML = """<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Bevestig uw steun</title></head>
<body><main><h1>Bevestig uw steun</h1><p>Klik op de link om uw steun te bevestigen:</p>
<p><a href="https://kvm.example.org/bevestig/abc/">Ja, ik steun deze activiteit</a></p></main></body></html>"""


def test_newest_email_its_link_and_its_html_in_the_browser(page, outbox):
    for number, address in enumerate(["eerste@example.org", "lezer@example.org"], start=1):
        message = EmailMultiAlternatives(
            subject=f"Bevestig uw steun ({number})",
            body="Bevestig via https://kvm.example.org/bevestig/abc/ .",
            to=[address],
        )
        message.attach_alternative(HTML, "text/html")
        message.send()
    newest = outbox.newest(to="lezer@example.org")
    assert newest["Subject"] == "Bevestig uw steun (2)"
    assert Outbox.links(newest) == ["https://kvm.example.org/bevestig/abc/"]
    show_email(page, newest)
    check_accessibility(page)
    assert screenshot(page, "email-example").exists()
