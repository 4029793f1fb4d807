"""Students and the instructor sign in to the real hub with the shared password."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request

from tests.hub.realhub import PASSWORD


def _login(hub, user: str, password: str) -> tuple[int, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{hub.url}/hub/login", timeout=30) as page:
        form = page.read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form)
    fields = {"username": user, "password": password}
    if xsrf:
        fields["_xsrf"] = xsrf.group(1)
    request = urllib.request.Request(
        f"{hub.url}/hub/login?next=/hub/home",
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
    )
    try:
        with opener.open(request, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_every_user_signs_in_through_the_login_page(hub, accounts):
    for user in accounts.everyone:
        status, page = _login(hub, user, PASSWORD)
        assert status == 200, page[:300]
        assert user in page  # the hub's home page names who signed in


def test_a_wrong_password_is_refused(hub, accounts):
    status, page = _login(hub, accounts.student(1), PASSWORD + "x")
    assert status == 403
    assert "Invalid username or password" in page


def test_a_stranger_is_not_allowed_in_even_with_the_password(hub):
    status, _ = _login(hub, "someone-else", PASSWORD)
    assert status == 403
