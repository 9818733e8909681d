"""Outside input of the portal's login never ends in an unhandled exception (issue 11, point 5): whatever
claims a broker sends, the backend accepts or refuses them (with a message for the login page); whatever
a client posts to the simulator's token endpoint, or whatever bearer it shows at userinfo, it gets a
JSON error."""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toegang.portal.oidc import LOGIN_ERROR, PortalBackend, loa_rank

SCALARS = st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False) | st.text(max_size=14)
CLAIM = (
    SCALARS
    | st.sampled_from(["999990007", "999990044", "999999977", "00000000", " 999990007 ", "９９９９９０００７"])
    | st.lists(SCALARS, max_size=3)
)
LEVEL = SCALARS | st.sampled_from(
    ["substantieel", "Midden", "HOOG", "urn:oasis:names:tc:SAML:2.0:ac:classes:Smartcard"]
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(bsn=CLAIM, acr=LEVEL, extra=st.dictionaries(st.text(max_size=8), SCALARS, max_size=3))
def test_any_claims_are_accepted_or_refused_with_a_message(db, bsn, acr, extra):
    backend = PortalBackend()
    backend.request = RequestFactory().get("/mijn/digid/terug/")
    backend.request.session = SessionStore()
    accepted = backend.verify_claims({**extra, "bsn": bsn, "acr": acr})
    assert accepted in (True, False)
    if not accepted:
        assert backend.request.session[LOGIN_ERROR]
    else:
        assert loa_rank(acr) >= 3


@FUZZ
@given(form=st.dictionaries(st.sampled_from(["grant_type", "code", "client_id", "client_secret", "redirect_uri",
                                              "code_verifier", "x"]), st.text(max_size=40), max_size=6))  # fmt: skip
def test_the_simulators_token_endpoint_answers_any_form_with_json(db, form):
    response = Client().post("/digid-simulatie/token/", form)
    assert response.status_code in (400, 401) and "error" in response.json()


@FUZZ
@given(token=st.text(max_size=60))
def test_userinfo_answers_any_bearer_with_json(db, token):
    response = Client().get("/digid-simulatie/userinfo/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401 and response.json() == {"error": "invalid_token"}
