"""The security tests' database roles, for the commands run as production runs them."""

from tests.security.conftest import app_role, platform_role  # noqa: F401 - fixtures
