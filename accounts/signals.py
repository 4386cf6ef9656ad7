from django.dispatch import Signal

# Sent after a new account and its first admin exist (default triggers hook in here).
account_created = Signal()
