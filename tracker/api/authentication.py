"""Token authentication against hashed keys (``tracker.models.ApiToken``)."""

from django.contrib.auth.models import AbstractBaseUser
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from tracker.models import ApiToken

KEYWORDS = ("token", "bearer")


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Token <key>`` (or ``Bearer <key>``) as the token's user.

    A wrong, expired or revoked key is refused outright with 401 rather than
    treated as anonymous, so that a script with a dead token fails loudly.
    """

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, ApiToken] | None:
        words = get_authorization_header(request).split()
        if not words or words[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(words) != 2:
            raise AuthenticationFailed("Send the token as `Authorization: Token <key>`, with no spaces in the key.")
        try:
            key = words[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed("The token is not valid.") from None
        token = ApiToken.objects.find(key)
        if token is None:
            raise AuthenticationFailed("The token is not valid: it is unknown, expired or revoked.")
        token.record_use()
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Token realm="api"'
