"""Identity without a network: the local issuer, claims to Principal, role checks, JWKS parsing."""

import base64
import json
import stat
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from houqin_shared.identity import (
    JwksCache,
    LocalIssuer,
    Principal,
    Role,
    TokenVerifier,
    jwk_thumbprint,
    parse_jwks,
    require_roles,
)
from houqin_shared.problems import ProblemError

ISSUER = "https://sso.test"


@pytest.fixture(scope="module")
def issuer() -> LocalIssuer:
    return LocalIssuer(None, issuer=ISSUER, audience="houqin")


def public_key_of(issuer: LocalIssuer) -> jwt.PyJWK:
    (jwk,) = issuer.jwks()["keys"]
    return jwt.PyJWK(jwk)


def test_issued_token_verifies_with_published_key(issuer: LocalIssuer) -> None:
    token = issuer.issue(
        "u-1", [Role.supervisor, "staff"], name="Wang Fang", department_id="d-7", team_id="t-3"
    )

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, public_key_of(issuer), algorithms=["RS256"], audience="houqin")

    assert header["alg"] == "RS256"
    assert header["kid"] == issuer.kid
    assert claims["iss"] == ISSUER
    assert claims["sub"] == "u-1"
    assert claims["roles"] == ["supervisor", "staff"]
    assert (claims["name"], claims["dept"], claims["team"]) == ("Wang Fang", "d-7", "t-3")
    assert claims["exp"] - claims["iat"] == 3600


def test_issue_overrides_audience_issuer_and_omits_absent_claims(issuer: LocalIssuer) -> None:
    token = issuer.issue("u-2", [], audience="other", issuer="https://elsewhere", ttl_s=60)

    claims = jwt.decode(token, public_key_of(issuer), algorithms=["RS256"], audience="other")

    assert claims["iss"] == "https://elsewhere"
    assert claims["exp"] - claims["iat"] == 60
    assert not {"name", "dept", "team"} & claims.keys()


def test_jwks_publishes_public_key_only(issuer: LocalIssuer) -> None:
    (jwk,) = issuer.jwks()["keys"]

    assert jwk["kty"] == "RSA"
    assert (jwk["kid"], jwk["alg"], jwk["use"]) == (issuer.kid, "RS256", "sig")
    assert not {"d", "p", "q", "dp", "dq", "qi"} & jwk.keys()


def test_key_file_is_written_private_and_kid_is_stable(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "sso.pem"

    first = LocalIssuer(path)
    again = LocalIssuer(path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert again.kid == first.kid
    claims = jwt.decode(
        first.issue("u-1", []), public_key_of(again), algorithms=["RS256"], audience="houqin"
    )
    assert claims["sub"] == "u-1"


def test_in_memory_keys_differ() -> None:
    assert LocalIssuer(None).kid != LocalIssuer(None).kid


def test_key_file_with_a_non_rsa_key_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ec.pem"
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)

    with pytest.raises(ValueError, match="RSA"):
        LocalIssuer(path)


def test_kid_is_the_rfc7638_thumbprint() -> None:
    # The example of RFC 7638, section 3.1.
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_B"
        "JECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_F"
        "DW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4"
        "vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    jwk = {"kty": "RSA", "n": n, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}

    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_local_issuer_kid_is_thumbprint_of_its_jwk(issuer: LocalIssuer) -> None:
    (jwk,) = issuer.jwks()["keys"]

    assert issuer.kid == jwk_thumbprint(jwk)


# --- Principal --------------------------------------------------------------------------------


def test_principal_from_full_claims() -> None:
    principal = Principal.from_claims(
        {"sub": "u-1", "name": "Li Lei", "roles": ["staff", "team_lead"], "dept": "d", "team": "t"}
    )

    assert principal == Principal(
        subject="u-1",
        roles=frozenset({Role.staff, Role.team_lead}),
        name="Li Lei",
        department_id="d",
        team_id="t",
    )


def test_unknown_and_malformed_roles_are_ignored() -> None:
    principal = Principal.from_claims({"sub": "u-1", "roles": ["root", "admin", 7, None, "Admin"]})

    assert principal.roles == {Role.admin}


@pytest.mark.parametrize("roles", [None, "admin", {"admin": True}])
def test_roles_that_are_not_a_list_give_no_roles(roles: object) -> None:
    assert Principal.from_claims({"sub": "u-1", "roles": roles}).roles == frozenset()


def test_optional_claims_of_the_wrong_type_are_absent() -> None:
    principal = Principal.from_claims({"sub": "u-1", "name": 5, "dept": "", "team": ["t"]})

    assert (principal.name, principal.department_id, principal.team_id) == (None, None, None)


@pytest.mark.parametrize("claims", [{}, {"sub": ""}, {"sub": 42}])
def test_claims_without_a_subject_are_unauthorized(claims: dict[str, object]) -> None:
    with pytest.raises(ProblemError) as caught:
        Principal.from_claims(claims)

    assert caught.value.status == 401


def test_has_any() -> None:
    principal = Principal("u-1", frozenset({Role.staff, Role.team_lead}))

    assert principal.has_any(Role.team_lead)
    assert principal.has_any(Role.admin, Role.staff)
    assert not principal.has_any(Role.admin)
    assert not principal.has_any()


# --- require_roles ----------------------------------------------------------------------------


async def test_require_roles_passes_a_principal_holding_any_of_the_roles() -> None:
    principal = Principal("u-1", frozenset({Role.dept_head}))

    check = require_roles(Role.supervisor, Role.dept_head)

    assert await check(principal) is principal


async def test_require_roles_forbids_and_names_the_roles_needed() -> None:
    check = require_roles(Role.supervisor, Role.admin, Role.supervisor)

    with pytest.raises(ProblemError) as caught:
        await check(Principal("u-1", frozenset({Role.staff})))

    assert caught.value.status == 403
    assert caught.value.detail == "requires one of the roles: supervisor, admin"


async def test_admin_is_not_implicitly_every_role() -> None:
    with pytest.raises(ProblemError):
        await require_roles(Role.supervisor)(Principal("u-1", frozenset({Role.admin})))


def test_require_roles_needs_a_role() -> None:
    with pytest.raises(ValueError, match="at least one role"):
        require_roles()


# --- JWKS parsing -----------------------------------------------------------------------------


def test_parse_jwks_keeps_only_rs256_and_es256_signing_keys(issuer: LocalIssuer) -> None:
    (rsa_jwk,) = issuer.jwks()["keys"]
    p256 = jwt.algorithms.ECAlgorithm.to_jwk(
        ec.generate_private_key(ec.SECP256R1()).public_key(), as_dict=True
    )
    p384 = jwt.algorithms.ECAlgorithm.to_jwk(
        ec.generate_private_key(ec.SECP384R1()).public_key(), as_dict=True
    )
    document = {
        "keys": [
            rsa_jwk,
            {**p256, "kid": "ec"},
            {**p384, "kid": "ec-384"},
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
            {**rsa_jwk, "kid": "rsa-enc", "use": "enc"},
            {**rsa_jwk, "kid": "rsa-ps", "alg": "PS256"},
            {**rsa_jwk, "kid": ""},
            {key: value for key, value in rsa_jwk.items() if key != "kid"},
            "not a key",
        ]
    }

    keys = parse_jwks(document)

    assert set(keys) == {issuer.kid, "ec"}
    assert keys[issuer.kid].algorithm_name == "RS256"
    assert keys["ec"].algorithm_name == "ES256"


@pytest.mark.parametrize("document", [[], {}, {"keys": "x"}, "keys"])
def test_parse_jwks_refuses_what_is_not_a_jwks(document: object) -> None:
    with pytest.raises(ValueError, match="JWKS"):
        parse_jwks(document)


# --- verification that never needs the keys ---------------------------------------------------


def b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture
def offline_verifier() -> TokenVerifier:
    # Port 9 (discard) is not served: a verifier that fetched keys would answer 503, not 401.
    return TokenVerifier(ISSUER, "houqin", JwksCache("http://127.0.0.1:9/jwks.json"))


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("not-a-jwt", "malformed"),
        ("a.b.c", "malformed"),
        (b64({"alg": "none", "kid": "k"}) + "." + b64({"sub": "x"}) + ".", "algorithm"),
        (b64({"alg": "HS256", "kid": "k"}) + "." + b64({"sub": "x"}) + ".c2ln", "algorithm"),
        (b64({"alg": "RS256"}) + "." + b64({"sub": "x"}) + ".c2ln", "kid"),
    ],
)
async def test_bad_tokens_are_refused_before_any_key_lookup(
    offline_verifier: TokenVerifier, token: str, reason: str
) -> None:
    with pytest.raises(ProblemError) as caught:
        await offline_verifier.verify(token)

    assert caught.value.status == 401
    assert reason in (caught.value.detail or "")


async def test_unreachable_jwks_is_503(offline_verifier: TokenVerifier) -> None:
    token = LocalIssuer(None, issuer=ISSUER).issue("u-1", [])

    with pytest.raises(ProblemError) as caught:
        await offline_verifier.verify(token)

    assert caught.value.status == 503
    assert "identity provider unavailable" in (caught.value.detail or "")
    assert caught.value.headers["Retry-After"] == "10"
