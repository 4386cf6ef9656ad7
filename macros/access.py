"""The only road from a number in a URL to a macro.

Another account's macro, a colleague's personal macro and a shared macro restricted to
groups the agent is not in answer 404 alike when it is to be *applied*; managing a
shared macro is an admin's job (403 for other agents, as the settings pages answer).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.access import require_agent
from accounts.models import User
from macros.models import Macro
from macros.selectors import macros_for_agent


def macro_for_agent(*, viewer: User, number: int) -> Macro:
    """An active macro the agent may apply."""
    require_agent(viewer)
    macro = macros_for_agent(viewer=viewer).filter(number=number).first()
    if macro is None:
        raise Http404
    return macro


def macro_for_reader(*, viewer: User, number: int) -> Macro:
    """A macro the agent may see (the API's show): any they may apply, inactive ones too."""
    require_agent(viewer)
    macro = macros_for_agent(viewer=viewer, active=None).filter(number=number).first()
    if macro is None:
        raise Http404
    return macro


def macro_for_editor(*, viewer: User, number: int) -> Macro:
    """A macro the viewer may change: their own personal macro, or (admins) a shared one.
    Someone else's personal macro does not exist for the viewer (404, admins too)."""
    require_agent(viewer)
    macro = Macro.objects.for_account(viewer.account).filter(number=number).first()
    if macro is None or (macro.owner_id is not None and macro.owner_id != viewer.pk):
        raise Http404
    if macro.is_shared and not viewer.is_admin:
        raise PermissionDenied
    return macro
