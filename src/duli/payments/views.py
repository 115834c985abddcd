"""The one HTTP endpoint of the payments app: providers' webhooks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from duli.payments.webhooks import webhook_receive


@csrf_exempt  # providers sign their requests instead; the signature is checked below
@require_POST
def webhook(request: HttpRequest, provider: str) -> HttpResponse:
    status, content_type, body = webhook_receive(
        provider=provider, headers=dict(request.headers), body=request.body
    )
    return HttpResponse(body, status=status, content_type=content_type)
