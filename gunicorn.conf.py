"""gunicorn reads this file from the working directory by itself (make run, docker-compose).

The access log leaves out the query string and the Referer: searches carry patient names
(`/caseload/?q=...`, `/employer/roster/?q=...`), and logs are not the place for them.
%(U)s is the path alone; the request id ties a line to our own logs and audit rows.
"""

access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss %({x-request-id}o)s'
