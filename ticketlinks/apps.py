from django.apps import AppConfig


class TicketLinksConfig(AppConfig):
    name = "ticketlinks"
    verbose_name = "Ticket links"
