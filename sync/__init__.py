"""Synchronisation with the central service: signed content down, records up.

`protocol` is the wire format both sides share (limits, the record shape checked against the
record types of `app.records`, statuses, error codes).
`client` is the kiosk's side, built on `requests`: enrolment, pulling signed content into the
catalog, pushing the outbox in batches, backoff, and one sync at a time; it may import `app`.
`server/` is the reference central service (an optional extra); it imports only `sync.protocol`,
`app.content` and `app.records`, never the kiosk's store or its interface. The protocol is
documented in `docs/sync-protocol.md`. `commands` adds `pasapas sync …` and `pasapas server …`.
"""
