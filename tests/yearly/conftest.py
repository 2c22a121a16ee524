from tests.nominations.conftest import (  # noqa: F401  (the nomination fixtures, shared)
    campaign,
    clock,
    new_nomination,
    placed,
    users,
)
