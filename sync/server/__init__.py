"""The reference central service a network of help points deploys (`pip install pasapas[server]`).

FastAPI on uvicorn (`api`), storage through SQLAlchemy Core on SQLite by default or on a shared
PostgreSQL (`storage`), and the admin commands behind `pasapas server ...` (`admin`). It is
stateless between requests, so several processes may share one PostgreSQL behind a load balancer.
It imports only `sync.protocol`, `app.content` (format, validation, signatures), `app.records`
(the record types it accepts) and `app.i18n`, never the kiosk's store or its interface.
"""
