from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The address rate limits count against.

    Behind a proxy, the proxy must set REMOTE_ADDR from the connection it trusts (gunicorn's
    --forwarded-allow-ips); a client-supplied X-Forwarded-For is never read here.
    """
    return request.META.get("REMOTE_ADDR", "") or "unknown"
