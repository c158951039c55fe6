"""Reads and writes of an editor's two-step devices: one TOTP device (the app) and one set of backup codes."""

import base64
from dataclasses import dataclass

import segno
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
BACKUP_DEVICE_NAME = "reservecodes"


@dataclass(frozen=True)
class Enrolment:
    """What the set-up page shows: the QR code (an SVG data URL) and the same secret typed out."""

    qr_data_url: str
    secret: str


def two_factor_enabled(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def enrolment_start(*, user) -> TOTPDevice:
    """A new, unconfirmed app device; an earlier unfinished set-up is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def enrolment_pending(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def enrolment_shown(device: TOTPDevice) -> Enrolment:
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return Enrolment(
        qr_data_url="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@transaction.atomic
def enrolment_confirm(*, device: TOTPDevice) -> list[str]:
    """Turn the app device on (the caller verified a code with it); returns the new backup codes, shown once."""
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return backup_codes_renew(user=device.user)


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """A fresh set of backup codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
