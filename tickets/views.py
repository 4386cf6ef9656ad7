from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.access import require_agent


def agent_view(view):
    """Agent pages: sign-in required; end users get the same 404 as a missing page."""

    @login_required
    def wrapped(request, *args, **kwargs):
        require_agent(request.user)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@agent_view
def home(request):
    return render(request, "agent/home.html")


@agent_view
def ticket_new(request):
    return render(request, "agent/home.html")


@agent_view
def user_new(request):
    return render(request, "agent/home.html")


@agent_view
def search(request):
    return render(request, "agent/home.html")
