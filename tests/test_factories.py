"""The test factories' shared password hash follows the hasher in force (a test that swaps in
a cheaper hasher, as the API fuzz test does, must not leave its hash to later tests)."""

from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher

from tests import factories


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 1024
    parallelism = 1


def test_a_hash_made_under_a_swapped_hasher_is_not_reused_after_it(settings):
    for name in ("_password_hash", "_password_hash_for"):
        cached = getattr(factories, name)
        if hasattr(cached, "cache_clear"):
            cached.cache_clear()
    usual = list(settings.PASSWORD_HASHERS)
    settings.PASSWORD_HASHERS = [f"{__name__}.CheapArgon2PasswordHasher", *usual]
    factories.UserFactory.build()
    settings.PASSWORD_HASHERS = usual

    user = factories.UserFactory.build()

    assert user.check_password(factories.PASSWORD)
    # A hash the hasher in force would re-make at the next sign-in (and save over the row).
    assert not get_hasher().must_update(user.password)
