"""The per-recipient Reply-To of newsletters and candidate mails: a reply is linked to the delivery it answers.

A delivery is one person's copy of one version (for candidates and party leaders, with their contact and party),
so its signed reference (`supporters.replies`, kind "d") is all `newsletter.inbound` needs to link a reply.
"""

from supporters.replies import reply_address


def delivery_reply_headers(*, delivery_id: int) -> dict[str, str]:
    """{"Reply-To": "reactie+d<id>-<signature>@<domain>"}, or {} when no reply domain is configured."""
    address = reply_address(kind="d", pk=delivery_id)
    return {"Reply-To": address} if address else {}
