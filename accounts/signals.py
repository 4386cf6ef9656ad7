from django.dispatch import Signal

# Sent after a new account and its first admin exist (default triggers hook in here).
account_created = Signal()

# Sent for an email the accounts app writes to one of an account's users (password
# reset), with account, user, kind ("password_reset"), subject, body_text, body_html.
# The notifications app writes it to its outbox in the sender's transaction: a row,
# sent after commit, swept if the broker was down, sent once. Accounts knows nothing of
# how email leaves.
account_email = Signal()

# Sent inside organization_delete's transaction, before the organization's row goes,
# with organization and actor. The tickets app empties its tickets' organization and
# writes it in each ticket's Activity, answering how many tickets it changed.
organization_deleting = Signal()

# Sent inside tickets.services.privacy.person_erase's transaction, before the user's row
# goes, with account, user and addresses (every address they had, lowercase). Apps that
# keep personal data of their own (notifications: emails sent and received) scrub it.
person_erasing = Signal()

# Sent by tickets.services.privacy.person_export with account and user: apps that keep
# personal data of their own answer ``(key, rows)``, written into the person's export
# under ``key`` (live chat: their chats and messages).
person_exporting = Signal()

# Sent inside user_update's transaction when a person joins or leaves the team (an end
# user made an agent or admin, or the reverse), with account and user. The tickets app
# (tickets.services.team_change) announces the tickets they opened or commented on: the
# reports count agents' replies and the tickets agents opened, by the author's role now
# (reports.metrics).
user_team_changed = Signal()
