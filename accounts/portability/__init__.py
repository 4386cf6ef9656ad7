"""One account's whole data, in and out of an installation (README, "Operations").

- ``tables``: which tables are an account's (discovered from the models, so a new one is
  covered) and in which order they load;
- ``exporting.account_export``: one archive (tar.gz) with the account's settings, every
  table's rows as JSON lines, and the files its rows name;
- ``importing.account_import``: loads an archive under a subdomain, remapping primary and
  foreign keys (per-account numbers stay as they are), idempotent and resumable through
  ``ImportedRow``, a mapping written in the same transaction as the rows it maps;
- ``deletion.account_delete``: removes an account completely.

Platform-level code: the commands run on the platform's connection (``platform_access``),
and only ever read or write one account's rows. Nothing here imports another app; the
tables come from Django's app registry.
"""
