# The notifications engineer replaces these with the real pages.
from django.http import Http404


def trigger_list(request):
    raise Http404


def delivery_list(request):
    raise Http404


def ticket_forward(request, number):
    raise Http404
