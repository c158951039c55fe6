"""Inbound webhook payloads as the providers post them (shapes as anymail's own tests describe them).

Postmark: the inbound JSON (FromFull, ToFull, Headers with Return-Path first, TextBody, HtmlBody, Attachments
with base64 Content, MessageID). Mailgun: the route's forward() form post, signed with the webhook signing key
(timestamp, token, signature; message-headers as JSON pairs; body-plain / body-html, or body-mime for
.../inbound_mime/). Amazon SES: an SNS Notification whose Message is the SES "Received" event with the raw MIME
as content (SNS action, UTF8 encoding), with the x-amz-sns-message-type/-id headers SNS sends.
"""

import base64
import hashlib
import hmac
import itertools
import json
import time
from email.message import EmailMessage

_ids = itertools.count(1)
SECRET = "webhook:geheim-123"
MAILGUN_SIGNING_KEY = "mailgun-signing-key-test"


def basic_auth(secret: str | None = SECRET) -> dict:
    if secret is None:
        return {}
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def message_id() -> str:
    return f"<CAEPk3R{next(_ids)}-{time.time_ns()}@mail.example.org>"


def postmark(
    *,
    from_email: str,
    to: str,
    text: str = "",
    html: str = "",
    subject: str = "Re: Kracht van Mokum",
    from_name: str = "",
    headers: list[tuple[str, str]] = (),
    attachments: list[tuple[str, str, bytes]] = (),
    mid: str | None = None,
    return_path: str | None = None,
) -> dict:
    """Postmark's inbound JSON (without "Include raw email content")."""
    mid = mid or message_id()
    return {
        "FromName": from_name,
        "From": from_email,
        "FromFull": {"Email": from_email, "Name": from_name, "MailboxHash": ""},
        "To": to,
        "ToFull": [{"Email": to, "Name": "", "MailboxHash": to.partition("+")[2].partition("@")[0]}],
        "CcFull": [],
        "BccFull": [],
        "OriginalRecipient": to,
        "Subject": subject,
        "MessageID": f"22c74902-a0c1-4511-804f-{next(_ids):012d}",
        "ReplyTo": "",
        "MailboxHash": to.partition("+")[2].partition("@")[0],
        "Date": "Tue, 1 Dec 2026 10:21:50 +0100",
        "TextBody": text,
        "HtmlBody": html,
        "StrippedTextReply": "",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": return_path if return_path is not None else f"<{from_email}>"},
            {"Name": "Received", "Value": "by mail.example.org with SMTP; Tue, 1 Dec 2026 10:21:49 +0100"},
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
            {"Name": "MIME-Version", "Value": "1.0"},
            {"Name": "Message-ID", "Value": mid},
            *({"Name": name, "Value": value} for name, value in headers),
        ],
        "Attachments": [
            {
                "Name": name,
                "Content": base64.b64encode(content).decode("ascii"),
                "ContentType": content_type,
                "ContentLength": len(content),
            }
            for name, content_type, content in attachments
        ],
    }


def post_postmark(client, payload: dict, auth: str | None = SECRET):
    return client.post(
        "/nieuwsbrief/provider/postmark/inbound/",
        json.dumps(payload),
        content_type="application/json",
        **basic_auth(auth),
    )


def mailgun_sign(fields: dict, key: str = MAILGUN_SIGNING_KEY) -> dict:
    timestamp = str(int(time.time()))
    token = hashlib.sha256(f"{time.time_ns()}-{next(_ids)}".encode()).hexdigest()[:50]
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return {**fields, "timestamp": timestamp, "token": token, "signature": signature}


def mailgun(
    *,
    from_email: str,
    to: str,
    text: str,
    subject: str = "Re: Kracht van Mokum",
    from_name: str = "",
    mid=None,
) -> dict:
    """Mailgun's forward() post of a fully parsed message (before signing)."""
    sender = f'"{from_name}" <{from_email}>' if from_name else from_email
    return {
        "recipient": to,
        "sender": from_email,
        "from": sender,
        "subject": subject,
        "message-headers": json.dumps(
            [
                ["X-Mailgun-Sflag", "No"],
                ["X-Mailgun-Sscore", "0.1"],
                ["Received", "by mail.example.org with SMTP"],
                ["Mime-Version", "1.0"],
                ["From", sender],
                ["Date", "Tue, 1 Dec 2026 10:21:50 +0100"],
                ["Message-Id", mid or message_id()],
                ["Subject", subject],
                ["To", to],
                ["Content-Type", 'multipart/alternative; boundary="089e0825ccf874a0bb055b4f7e23"'],
            ]
        ),
        "body-plain": text,
        "stripped-text": "",
    }


def post_mailgun(client, fields: dict, *, mime: bool = False, auth: str | None = SECRET, sign: bool = True):
    url = "/nieuwsbrief/provider/mailgun/inbound_mime/" if mime else "/nieuwsbrief/provider/mailgun/inbound/"
    return client.post(url, mailgun_sign(fields) if sign else fields, **basic_auth(auth))


def mime(
    *,
    from_email: str,
    to: str,
    text: str,
    subject: str = "Re: Kracht van Mokum",
    headers: dict | None = None,
    mid: str | None = None,
) -> str:
    """A real MIME message, as a mail client would send it."""
    message = EmailMessage()
    message["From"] = from_email
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Tue, 1 Dec 2026 10:21:50 +0100"
    message["Message-ID"] = mid or message_id()
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    return message.as_string()


def delivery_report(*, to: str, failed: str) -> str:
    """A bounce as MTAs send it (RFC 3464): multipart/report with a message/delivery-status part."""
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mail.example.org>\r\n"
        f"To: {to}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Date: Tue, 1 Dec 2026 10:21:50 +0100\r\n"
        f"Message-ID: {message_id()}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="RePoRt"\r\n'
        "\r\n"
        "--RePoRt\r\n"
        "Content-Type: text/plain; charset=us-ascii\r\n"
        "\r\n"
        f"This is the mail system at host mail.example.org.\r\n\r\n<{failed}>: host said: 550 5.1.1\r\n"
        "--RePoRt\r\n"
        "Content-Type: message/delivery-status\r\n"
        "\r\n"
        "Reporting-MTA: dns; mail.example.org\r\n"
        "\r\n"
        f"Final-Recipient: rfc822; {failed}\r\n"
        "Action: failed\r\n"
        "Status: 5.1.1\r\n"
        "--RePoRt--\r\n"
    )


def ses(raw_mime: str, *, recipient: str, sns_id: str | None = None) -> tuple[dict, dict]:
    """(SNS notification body, request headers) for SES's "Received" event with the SNS receipt action."""
    event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": "2026-12-01T09:21:51.636Z",
            "source": "envelope-from@example.org",
            "messageId": f"jili9m351il3gkburn7o2f0u6788stij94c{next(_ids):05d}",
            "destination": [recipient],
        },
        "receipt": {
            "timestamp": "2026-12-01T09:21:51.636Z",
            "recipients": [recipient],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "action": {
                "type": "SNS",
                "topicArn": "arn:aws:sns:eu-west-1:111111111111:SES_Inbound",
                "encoding": "UTF8",
            },
        },
        "content": raw_mime,
    }
    sns_id = sns_id or f"8f6dee70-c885-558a-be7d-{next(_ids):012d}"
    body = {
        "Type": "Notification",
        "MessageId": sns_id,
        "TopicArn": "arn:aws:sns:eu-west-1:111111111111:SES_Inbound",
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(event),
        "Timestamp": "2026-12-01T09:21:52.516Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE_SIGNATURE==",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-12345abcde.pem",
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn...",
    }
    headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": "Notification",
        "HTTP_X_AMZ_SNS_MESSAGE_ID": sns_id,
        "HTTP_X_AMZ_SNS_TOPIC_ARN": body["TopicArn"],
    }
    return body, headers


def post_ses(client, body: dict, headers: dict, auth: str | None = SECRET):
    return client.post(
        "/nieuwsbrief/provider/amazon_ses/inbound/",
        json.dumps(body),
        content_type="text/plain; charset=UTF-8",
        **headers,
        **basic_auth(auth),
    )
