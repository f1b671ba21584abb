"""Issue 13 (Low): gunicorn's default access log wrote whole request lines, so searches for
patients by name landed in the log."""

import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent


def test_the_access_log_holds_no_query_string_nor_referer():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("access_log_format", config["access_log_format"])
    logger = Logger(cfg)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/caseload/?q=Margarethe+Quill",
        "PATH_INFO": "/caseload/",
        "QUERY_STRING": "q=Margarethe+Quill",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "HTTP_REFERER": "http://127.0.0.1:8000/caseload/?q=Margarethe+Quill",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("X-Request-ID", "abc123")])
    request = SimpleNamespace(headers=[])
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))
    line = cfg.access_log_format % atoms
    assert "/caseload/" in line and "abc123" in line
    assert "Margarethe" not in line and "Quill" not in line
