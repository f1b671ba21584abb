"""Error emails that carry no request data.

Django's default error email holds the traceback with every local variable, the POST body,
the query string and cookies: on a health record page that is health data in an inbox. Ours
says where and what kind of error, and the request id to find the traceback in the server log.
"""

import logging

from django.conf import settings
from django.utils.log import AdminEmailHandler


class NoDataAdminEmailHandler(AdminEmailHandler):
    def emit(self, record: logging.LogRecord) -> None:
        request = getattr(record, "request", None)
        path = getattr(request, "path", "") if request is not None else ""
        request_id = getattr(request, "request_id", "") if request is not None else ""
        status = getattr(record, "status_code", "")
        kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
        subject = f"{record.levelname} {status} at {path}".strip()
        message = (
            f"{settings.SITE_NAME}: {record.levelname} {status}\n"
            f"path: {path}\nrequest id: {request_id}\nexception type: {kind}\n\n"
            "The traceback is in the server log under this request id. This email never holds "
            "request data, by design (docs/security.md)."
        )
        try:
            self.send_mail(subject, message)
        except OSError:  # the mail server is down: say so on stderr, never fail the request
            self.handleError(record)
