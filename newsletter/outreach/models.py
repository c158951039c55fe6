"""What outreach stores: the answers to a dialogue request (with their history), the reminders sent, and which
activities of the document show the outreach's progress; the candidate lists are in `candidate_models`, imported
below so that Django finds every outreach model in the app's models module.

Outreach is its own app (`newsletter.outreach`, label "outreach"), but its tables keep the "newsletter" app label
they were created under: their migrations, content types and permissions stay the newsletter's
(`newsletter/migrations/`), so nothing in an existing database moves."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutreachKind(models.TextChoices):
    """The activities of call 1 that outreach reports on."""

    PLEIDOOI = "pleidooi", _("pleidooi aan kandidaten")
    CANDIDATE_DIALOGUE = "candidate_dialogue", _("dialoog met kandidatengroepen")
    LEADER_DIALOGUE = "leader_dialogue", _("dialoogaanbod aan fractieleiders")
    DEBATE = "debate", _("het debat (diabat)")


class OutreachActivity(models.Model):
    """Links an activity page to the outreach: the page shows the progress counts, and the debate's date and
    place (as published in a version) go into the party leaders' invitation."""

    page = models.OneToOneField(
        "pages.ActivityPage",
        verbose_name=_("activiteit"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=30, choices=OutreachKind.choices)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("activiteit met voortgang van de benadering")
        verbose_name_plural = _("activiteiten met voortgang van de benadering")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.page.title}"


class AnswerChoice(models.TextChoices):
    """A candidate's or party leader's answer to the request for a dialogue."""

    YES = "yes", _("Ja, wij gaan graag in gesprek")
    NO = "no", _("Nee, dank u")


class DialogueAnswer(models.Model):
    """One answer of one contact; a later answer becomes the current one and the earlier stays as history."""

    contact = models.ForeignKey(
        "supporters.Contact", verbose_name=_("contactpersoon"), on_delete=models.CASCADE, related_name="+"
    )
    mailing = models.ForeignKey(
        "newsletter.Mailing",
        verbose_name=_("naar aanleiding van"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
    )
    answer = models.CharField(_("antwoord"), max_length=10, choices=AnswerChoice.choices)
    message = models.TextField(_("bericht"), max_length=2000, blank=True)
    preferred_contact = models.CharField(_("liefst contact via"), max_length=200, blank=True)
    show_name = models.BooleanField(_("naam mag op de site"), default=False)
    is_current = models.BooleanField(_("huidig antwoord"), default=True)
    answered_at = models.DateTimeField(_("beantwoord op"), auto_now_add=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("antwoord op het verzoek om dialoog")
        verbose_name_plural = _("antwoorden op het verzoek om dialoog")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=Q(is_current=True), name="newsletter_answer_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.answer}"


class Reminder(models.Model):
    """The one reminder a recipient of a version may get; the unique delivery makes "at most once" hold."""

    delivery = models.ForeignKey(
        "newsletter.Delivery", verbose_name=_("ontvanger"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    last_error = models.TextField(_("fout"), blank=True)

    class Meta:
        app_label = "newsletter"  # see the module's docstring
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        constraints = [
            models.UniqueConstraint(fields=["delivery"], name="newsletter_reminder_once_per_delivery")
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} ({self.sent_at or '-'})"


from .candidate_models import (  # noqa: E402,F401 - the rest of outreach's models, for Django's app registry
    Candidate,
    Commitment,
    CommitmentDigest,
    CommitmentDigestDelivery,
    CommitmentRequest,
    Election,
    PartyList,
    ProgrammeResponsePage,
    Stance,
)
