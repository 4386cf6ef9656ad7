from django.apps import AppConfig


class MailChannelsConfig(AppConfig):
    name = "mailchannels"
    verbose_name = "Email channels"

    def ready(self) -> None:
        # Outgoing mail of a ticket that came in on a support address goes out from it.
        from mailchannels import senders
        from notifications import addresses

        addresses.register_sender_hook(senders.sender_for_ticket)
        addresses.register_own_address_hook(senders.is_support_address)
