"""Synchronisation with the central service (to be built by the sync issue).

Will hold the wire protocol, the requests-based client that pulls signed content and pushes the
outbox, and the reference central service in `sync/server/`. The client may import `app`; the
server only `sync.protocol` and `app.content`. Nothing in here is used by the kiosk yet.
"""
