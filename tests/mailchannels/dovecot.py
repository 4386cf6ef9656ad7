"""A real Dovecot (Debian's dovecot-imapd) for the tests and the bench: started as an
unprivileged process on a free local port with a throwaway configuration — passwd-file
authentication, Maildir under a temporary directory, IMAPS with a self-signed
certificate generated here — and stopped afterwards."""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from imap_tools import MailBox

from tests.certs import self_signed

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USERS = {"support@acme.example": "s3cret-imap", "billing@acme.example": "other-pass"}

CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap{pop3_protocol}
listen = 127.0.0.1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_mechanisms = plain login{oauth_mechanisms}
mail_location = maildir:{root}/mail/%u/Maildir
{oauth_passdb}passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={user} gid={group} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
  chroot =
}}
{pop3_service}service anvil {{
  chroot =
}}
service auth {{
  user = {user}
}}
service auth-worker {{
  user = {user}
}}
service stats {{
  unix_listener stats-reader {{
    user = {user}
  }}
  unix_listener stats-writer {{
    user = {user}
  }}
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Archive {{
    auto = create
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _self_signed(root: Path) -> None:
    key_pem, cert_pem = self_signed("localhost", for_localhost=True)
    (root / "cert.pem").write_text(cert_pem)
    (root / "key.pem").write_text(key_pem)


@dataclass
class Dovecot:
    root: Path
    port: int
    host: str = "127.0.0.1"
    pop3_port: int = 0

    @property
    def ca_file(self) -> str:
        return str(self.root / "cert.pem")

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)

    @contextlib.contextmanager
    def mailbox(
        self, user: str = "support@acme.example", folder: str = "INBOX"
    ) -> Iterator[MailBox]:
        box = MailBox(self.host, self.port, ssl_context=self.ssl_context())
        box.login(user, USERS[user], initial_folder=folder)
        try:
            yield box
        finally:
            box.logout()

    def deliver(
        self, *raws: bytes, user: str = "support@acme.example", folder: str = "INBOX"
    ) -> None:
        """Messages into the mailbox through IMAP APPEND (the server assigns the UIDs)."""
        with self.mailbox(user, folder) as box:
            for raw in raws:
                box.append(raw, folder, dt=None, flag_set=())

    def uids(
        self, user: str = "support@acme.example", folder: str = "INBOX", criteria: str = "ALL"
    ):
        with self.mailbox(user, folder) as box:
            return [int(u) for u in box.uids(criteria)]


def _run_as() -> tuple[str, str, int, int]:
    # As root, Dovecot runs as nobody, owning its throwaway directory.
    entry = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(entry.pw_gid).gr_name
    return entry.pw_name, group, entry.pw_uid, entry.pw_gid


# Debian's dovecot-pop3d: POP3S on its own port (the plain listener off).
POP3_SERVICE = """service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
  inet_listener pop3s {{
    port = {port}
    ssl = yes
  }}
  chroot =
}}
"""

OAUTH_PASSDB = """passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""

# Dovecot asks the provider's introspection endpoint whether a bearer token is live and
# whose it is (tests/mailchannels/oauth_provider.py answers it).
OAUTH_CONF = """introspection_url = {url}
introspection_mode = post
username_attribute = email
active_attribute = active
active_value = true
"""


@contextlib.contextmanager
def running_dovecot(oauth_introspection_url: str = "", pop3: bool = False) -> Iterator[Dovecot]:
    """With ``oauth_introspection_url``, XOAUTH2 sign-in too (Dovecot's oauth2 passdb);
    with ``pop3``, POP3S on ``pop3_port`` too."""
    root = Path(tempfile.mkdtemp(prefix="sportello-dovecot-"))
    user, group, uid, gid = _run_as()
    port = free_port()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    _self_signed(root)
    (root / "passwd").write_text("".join(f"{u}:{{PLAIN}}{p}::::::\n" for u, p in USERS.items()))
    oauth = {"oauth_mechanisms": "", "oauth_passdb": ""}
    if oauth_introspection_url:
        (root / "oauth2.conf.ext").write_text(OAUTH_CONF.format(url=oauth_introspection_url))
        oauth = {
            "oauth_mechanisms": " xoauth2 oauthbearer",
            "oauth_passdb": OAUTH_PASSDB.format(root=root),
        }
    pop3_port = free_port() if pop3 else 0
    extra = {
        "pop3_protocol": " pop3" if pop3 else "",
        "pop3_service": POP3_SERVICE.format(port=pop3_port) if pop3 else "",
        **oauth,
    }
    (root / "dovecot.conf").write_text(
        CONFIG.format(root=root, user=user, group=group, port=port, **extra)
    )
    os.chmod(root, 0o755)
    if os.geteuid() == 0:
        for path in [root, *root.rglob("*")]:
            os.chown(path, uid, gid)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}

    def demote() -> None:
        if os.geteuid() == 0:
            os.setgid(gid)
            os.setuid(uid)

    process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own config
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        env=env,
        preexec_fn=demote,  # noqa: PLW1509 - single-threaded at this point of the test
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                out = process.stdout.read().decode() if process.stdout else ""
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"Dovecot did not start:\n{out}\n{log}")
            time.sleep(0.05)
        yield Dovecot(root=root, port=port, pop3_port=pop3_port)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
