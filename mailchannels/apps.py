from django.apps import AppConfig


class MailChannelsConfig(AppConfig):
    name = "mailchannels"
    verbose_name = "Email channels"

    def ready(self) -> None:
        # Outgoing mail of a ticket that came in on a support address goes out from it.
        from mailchannels import senders, verification
        from notifications import addresses, inbound

        addresses.register_sender_hook(senders.sender_for_ticket)
        addresses.register_own_address_hook(senders.is_support_address)
        inbound.register_receive_hook(verification.verification_received)
        inbound.register_received_hook(senders.ticket_received)
