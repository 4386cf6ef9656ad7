"""Who may reach the closing's settings: admins only (require_admin: 403 for agents, 404
for end users); a reason is found only in the viewer's own account."""

from __future__ import annotations

from django.http import Http404

from accounts.access import require_admin
from accounts.models import User
from closing.models import CloseReason


def reason_for_admin(*, viewer: User, number: int) -> CloseReason:
    require_admin(viewer)
    reason = CloseReason.objects.for_account(viewer.account).filter(number=number).first()
    if reason is None:
        raise Http404
    return reason
