import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(email="anna@example.org", full_name="Anna de Wit")


def login(client, email, password):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_login_with_email_address_regardless_of_case(client, person, password):
    response = login(client, "ANNA@example.org", password)
    assert response.status_code == 302
    assert response.url == reverse("units:dashboard")
    assert client.get(reverse("units:dashboard")).context["user"] == person


def test_wrong_password_is_refused_with_a_message(client, person):
    response = login(client, "anna@example.org", "wrong")
    assert response.status_code == 200
    assert "correct" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    client, person, password, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "anna@example.org", "wrong")
    response = login(client, "anna@example.org", password)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    # Another person from the same address is not locked out.
    other = UserFactory(email="bob@example.org")
    assert login(client, other.email, password).status_code == 302


def test_logout_is_a_post_and_ends_the_session(client_for, person):
    client = client_for(person)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("units:dashboard")).status_code == 302


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user(email="c@example.org", password="Long-enough-password-9")
    assert user.password.startswith("argon2")
    assert user.check_password("Long-enough-password-9")


def test_password_reset_sends_a_link_that_sets_a_new_password(client, person):
    response = client.post(reverse("accounts:password_reset"), {"email": "anna@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "Fresh-password-2026", "new_password2": "Fresh-password-2026"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Fresh-password-2026")


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_profile_sets_name_and_language(client_for, person):
    client = client_for(person)
    response = client.post(
        reverse("accounts:profile"), {"full_name": "Anna de Wit-Jansen", "language": "nl"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.language) == ("Anna de Wit-Jansen", "nl")
    page = client.get(reverse("accounts:profile"))
    assert "Mijn profiel" in page.content.decode()


def test_profile_rejects_an_unknown_language(client_for, person):
    response = client_for(person).post(
        reverse("accounts:profile"), {"full_name": "Anna", "language": "xx"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    person.refresh_from_db()
    assert person.language == "en"


def test_language_switch_is_remembered_on_the_profile(client_for, person):
    client = client_for(person)
    response = client.post(
        reverse("accounts:switch_language"), {"language": "nl", "next": "/accounts/profile/"}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.language == "nl"


def test_anonymous_visitor_can_switch_the_login_page_to_dutch(client, db):
    client.post(reverse("accounts:switch_language"), {"language": "nl", "next": "/"})
    page = client.get(reverse("accounts:login"))
    assert "Inloggen" in page.content.decode()


def test_pages_require_login(client, db):
    response = client.get(reverse("units:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
