"""StreamField blocks for the body of a call to action: prose paragraphs and bulleted lists."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class BulletListBlock(blocks.ListBlock):
    """A plain bulleted list, as the source document uses for points that are not (yet) activities."""

    def __init__(self, **kwargs):
        super().__init__(blocks.TextBlock(label=_("Punt")), **kwargs)

    class Meta:
        icon = "list-ul"
        label = _("Opsomming")
        template = "pages/blocks/bullet_list.html"


class CallBodyBlock(blocks.StreamBlock):
    """What a call to action says, apart from its activities."""

    paragraph = blocks.RichTextBlock(
        features=["bold", "italic", "link", "ol", "ul", "h3", "h4"],
        label=_("Alinea"),
        icon="pilcrow",
    )
    bullets = BulletListBlock()
    quote = blocks.BlockQuoteBlock(label=_("Citaat"))
