"""Bulk import of users from CSV (issue 21): a dry run reports each bad row with its line
number and reason and saves nothing; the import creates the good rows; a file that is
not CSV text is one clear message, never a 500."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.identity_models import AuditEntry
from accounts.models import User
from accounts.user_import import users_import_csv
from tests.factories import EndUserFactory, OrganizationFactory

GOOD_AND_BAD = (
    "Name,Email,Role,Organization,Tags,Language\n"
    "Ada One,ada@one.example,,Widgets,VIP gold,it\n"  # line 2: good
    ",nobody@one.example,,,,\n"  # 3: no name
    "Bob Two,not-an-email,,,,\n"  # 4: bad email
    "Cy Three,taken@acme.example,,,,\n"  # 5: taken in the account
    "Di Four,ada@one.example,,,,\n"  # 6: earlier in the file
    "Ed Five,ed@one.example,wizard,,,\n"  # 7: unknown role
    "Flo Six,flo@one.example,agent,Nowhere Inc,,\n"  # 8: unknown organization
    "Gus Seven,gus@one.example,end-user,,,xx\n"  # 9: unknown language
    "Hal Eight,hal@one.example\n"  # 10: too few columns
    "\n"  # 11: blank, skipped
    '"Ivy, Nine",ivy@one.example,agent,,,\n'  # 12: good, a quoted comma
)


def run(acme, actor, text, dry_run, encoding="utf-8"):
    return users_import_csv(
        account=acme, actor=actor, stream=io.BytesIO(text.encode(encoding)), dry_run=dry_run
    )


@pytest.fixture
def widgets(acme):
    EndUserFactory(account=acme, email="taken@acme.example")
    return OrganizationFactory(account=acme, name="Widgets")


def test_dry_run_reports_each_bad_row_with_its_line_and_saves_nothing(acme, acme_admin, widgets):
    before = User.objects.for_account(acme).count()
    report = run(acme, acme_admin, GOOD_AND_BAD, dry_run=True)
    assert report.created == 2 and report.bad == 8 and not report.file_error
    lines = dict(report.errors)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "name is empty" in lines[3]
    assert "not-an-email" in lines[4]
    assert "already exists" in lines[5] and "already exists" in lines[6]
    assert "wizard" in lines[7]
    assert "Nowhere Inc" in lines[8]
    assert "xx" in lines[9]
    assert "Expected 6 columns, found 2" in lines[10]
    assert User.objects.for_account(acme).count() == before


def test_import_creates_the_good_rows_and_is_audited(acme, acme_admin, widgets):
    report = run(acme, acme_admin, GOOD_AND_BAD, dry_run=False)
    assert report.created == 2 and report.bad == 8
    ada = User.objects.for_account(acme).get(email="ada@one.example")
    assert (ada.organization, ada.tags, ada.locale, ada.role) == (
        widgets,
        "vip gold",
        "it",
        "end_user",
    )
    ivy = User.objects.for_account(acme).get(email="ivy@one.example")
    assert ivy.name == "Ivy, Nine" and ivy.role == User.Role.AGENT
    entry = AuditEntry.objects.for_account(acme).get(action=AuditEntry.Action.USERS_IMPORTED)
    assert entry.changes["created"] == [None, 2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\xff\xfe\x00n\x00a\x00m\x00e", "not UTF-8"),
        (b"Full name,Mail\nA,b@c.example\n", "must name the columns"),
        (b'name,email\n"unclosed,a@b.example\n', "not valid CSV"),
        (b"name,email\nA\x00,a@b.example\n", "NUL"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
    ],
    ids=["empty", "utf16", "headers", "quote", "nul", "binary"],
)
def test_a_file_that_is_not_our_csv_is_one_clear_message(acme, acme_admin, content, message):
    report = users_import_csv(
        account=acme, actor=acme_admin, stream=io.BytesIO(content), dry_run=True
    )
    assert message in report.file_error
    assert report.created == 0


def test_a_bom_and_windows_line_ends_are_fine(acme, acme_admin):
    text = "\ufeffname,email\r\nZoe,zoe@one.example\r\n"
    assert run(acme, acme_admin, text, dry_run=False).created == 1


def test_a_big_file_is_read_as_a_stream_and_only_the_first_problems_listed(acme, acme_admin):
    rows = "".join(f"User {i},bad-address-{i}\n" for i in range(2000))
    report = run(acme, acme_admin, "name,email\n" + rows, dry_run=True)
    assert report.bad == 2000 and len(report.errors) == 500
    assert report.errors[0] == (2, report.errors[0][1])


def test_only_admins_import(acme, acme_agent):
    with pytest.raises(PermissionDenied):
        run(acme, acme_agent, "name,email\n", dry_run=True)


def test_the_page_checks_then_imports(acme, acme_admin, widgets, client_for):
    client = client_for(acme_admin)
    url = "/agent/settings/users/import/"
    assert client.get(url).status_code == 200

    def upload(mode):
        csv_file = SimpleUploadedFile("users.csv", GOOD_AND_BAD.encode(), "text/csv")
        return client.post(url, {"file": csv_file, "mode": mode})

    checked = upload("check").content.decode()
    assert "Dry run" in checked and "<td>4</td>" in checked
    assert not User.objects.for_account(acme).filter(email="ada@one.example").exists()
    imported = upload("import").content.decode()
    assert "2 users were created" in imported
    assert User.objects.for_account(acme).filter(email="ada@one.example").exists()
    garbage = SimpleUploadedFile("x.csv", b"\xff\x00\xfe", "text/csv")
    response = client.post(url, {"file": garbage, "mode": "import"})
    assert response.status_code == 200 and "not UTF-8" in response.content.decode()
    assert client.post(url, {"mode": "import"}).status_code == 200  # no file: a form error


def test_a_file_larger_than_attachments_may_be_is_still_read(acme, acme_admin, client_for):
    acme.max_attachment_size_kb = 1
    acme.save()
    rows = "".join(f"User {i},user{i}@big.example\n" for i in range(200))  # ~6 KB
    client = client_for(acme_admin)
    response = client.post(
        "/agent/settings/users/import/",
        {"file": SimpleUploadedFile("u.csv", ("name,email\n" + rows).encode()), "mode": "check"},
    )
    assert "200 users would be created" in response.content.decode()
