"""The account's file: personal access tokens, exported but never imported.

Only a token's name, the first characters of its secret and when it was made and last used are
exported. The secret itself is never stored (only a digest), so a token cannot be restored: the
import says so and leaves tokens alone.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from crampcare.accounts.datafiles.formats import Column, DataFile, instant, owned_rows, text
from crampcare.accounts.models import AccessToken

ACCESS_TOKENS = DataFile(
    name="access_tokens.csv",
    section="access_tokens",
    about=_(
        "Your API access tokens: name and first characters only. Not imported: a token's "
        "secret is never stored, so make new tokens after an import."
    ),
    columns=(
        text("name", _("the name you gave it")),
        Column("prefix", _("the first characters of its secret, to recognise it")),
        instant("created_at", _("when it was made")),
        instant("last_used_at", _("when it was last used, or blank"), required=False),
    ),
    rows=owned_rows(AccessToken, "created_at"),
    import_note=_(
        "access_tokens.csv was not imported: token secrets are never stored, so a token cannot "
        "be restored. Make a new one in your account settings if you need it."
    ),
)

FILES: tuple[DataFile, ...] = (ACCESS_TOKENS,)
