"""The central service's HTTP API, version 1 (`/api/v1/...`), as a FastAPI application.

Every answer is JSON. Errors are `{"error": code, "reason": text}` with the codes of
`sync.protocol`: 400 for a malformed request (with the reason), 401 for a missing, unknown or
revoked token, 403 for a spent or expired enrolment code, 413 for a body over the limit. The
OpenAPI description is served at `/api/v1/openapi.json`.
"""

import json
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pasapas.app import records
from pasapas.sync import protocol
from pasapas.sync.server.storage import Device, ServerDB, ServiceError

DESCRIPTION = (
    "The Pas à pas central service: kiosks enrol with a one-time code, pull signed procedures "
    "and push their records (anonymous visit events first). See docs/sync-protocol.md."
)


class ApiError(Exception):
    def __init__(self, status: int, code: str, reason: str, headers: dict[str, str] | None = None):
        super().__init__(reason)
        self.status = status
        self.code = code
        self.reason = reason
        self.headers = headers or {}


# -- models (they are the OpenAPI documentation too) ---------------------------------------------


class ErrorOut(BaseModel):
    error: str = Field(description="machine-readable code")
    reason: str = Field(description="what was wrong, for a developer")


class EnrolIn(BaseModel):
    code: str = Field(min_length=1, max_length=64, description="the one-time enrolment code")
    name: str = Field(default="", max_length=100, description="a label for the kiosk")


class PublisherKeyOut(BaseModel):
    key_id: str
    public_key: str = Field(description="Ed25519 public key, base64 of its 32 raw bytes")


class EnrolOut(BaseModel):
    device_id: str
    token: str = Field(description="the device's bearer token; the service keeps only its hash")
    site: str
    publisher_key: PublisherKeyOut


class ContentItemOut(BaseModel):
    id: str
    version: int
    seq: int
    withdrawn: bool
    document: str | None = Field(description="the procedure's JSON text; null for a tombstone")
    signature: str = Field(description="Ed25519 signature, base64 (see app/content/signing.py)")
    key_id: str


class ContentPageOut(BaseModel):
    items: list[ContentItemOut]
    cursor: int = Field(description="pass it as `since` next time")
    more: bool = Field(description="true when another page is waiting")


def _accepted_types() -> str:
    return ", ".join(f"{t.name} v{t.version}" for t in records.record_types())


class RecordIn(BaseModel):
    """One record. Documentation only: each record of a batch is judged on its own, as sent
    (`protocol.check_record`), so one malformed record is rejected, not the whole batch."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="client-made UUID")
    type: str = Field(description=f"a record type the service accepts: {_accepted_types()}")
    type_version: int
    payload: dict[str, Any] = Field(description="the fields of this type and version, no other")


class RecordBatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    records: list[dict[str, Any]] = Field(
        json_schema_extra={
            "maxItems": protocol.MAX_BATCH,
            "items": RecordIn.model_json_schema(),
        },
        description=f"at most {protocol.MAX_BATCH} records; no other field",
    )


class RecordResultOut(BaseModel):
    id: str
    status: str = Field(description="accepted, duplicate, rejected or conflict")
    code: str = Field(default="", description="why, for rejected and conflict (409)")
    reason: str = Field(
        default="",
        description="for a rejected record: what was wrong, naming the field (only then)",
        exclude_if=lambda value: value == "",
    )


class RecordBatchOut(BaseModel):
    results: list[RecordResultOut]


class StoredRecordOut(BaseModel):
    id: str
    type: str
    type_version: int
    payload: dict[str, Any]


class DeviceOut(BaseModel):
    device_id: str
    site: str
    name: str
    records: int


class HealthOut(BaseModel):
    status: str
    api: int


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "malformed request"},
    401: {"model": ErrorOut, "description": "missing, unknown or revoked token"},
    413: {"model": ErrorOut, "description": "body too large"},
}


# -- body size limit --------------------------------------------------------------------------


class BodyLimit:
    """Refuse with 413 any request body over `limit` bytes, before the application reads it.

    The rest of a refused body is read and dropped (up to `DRAIN_FACTOR` times the limit) before
    the answer goes out: closing a socket with unread bytes in it makes the kernel send a reset,
    which can reach the client before it has read the 413, so it would see a broken connection
    instead of the reason.
    """

    DRAIN_FACTOR = 8

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            if length.isdigit() and int(length) <= self.limit * self.DRAIN_FACTOR:
                await self._drain(receive, 0)
            await _too_large(send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                if message.get("more_body", False):
                    await self._drain(receive, size)
                await _too_large(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _drain(self, receive: Receive, size: int) -> None:
        more = True
        while more and size <= self.limit * self.DRAIN_FACTOR:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            size += len(message.get("body", b""))
            more = message.get("more_body", False)


async def _too_large(send: Send) -> None:
    body = json.dumps(
        {
            "error": protocol.E_TOO_LARGE,
            "reason": f"the request body is over {protocol.MAX_BODY_BYTES} bytes",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# -- the application ------------------------------------------------------------------------------


def create_app(db: ServerDB) -> FastAPI:
    app = FastAPI(
        title="Pas à pas central service",
        version="1",
        description=DESCRIPTION,
        openapi_url=f"{protocol.API_PREFIX}/openapi.json",
        docs_url=f"{protocol.API_PREFIX}/docs",
        redoc_url=None,
    )
    bearer = HTTPBearer(auto_error=False, description="the device token given at enrolment")

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(
            {"error": exc.code, "reason": exc.reason}, status_code=exc.status, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        reason = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in errors[:5]
        )
        if any(e.get("type") == "json_invalid" for e in errors):
            detail = next(e for e in errors if e.get("type") == "json_invalid")
            reason = f"malformed JSON: {detail.get('ctx', {}).get('error', 'cannot be parsed')}"
        return JSONResponse({"error": protocol.E_MALFORMED, "reason": reason}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"error": "http_" + str(exc.status_code), "reason": str(exc.detail)},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        # The database is unreachable or busy: the kiosk keeps its records and retries later.
        return JSONResponse(
            {"error": "unavailable", "reason": "the database is not reachable"},
            status_code=503,
            headers={"Retry-After": "30"},
        )

    def device(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Device:
        unauthorized = {"WWW-Authenticate": "Bearer"}
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(401, protocol.E_UNAUTHORIZED, "a device token is required", unauthorized)
        found = db.device_for_token(credentials.credentials)
        if found is None:
            raise ApiError(401, protocol.E_UNAUTHORIZED, "unknown or revoked token", unauthorized)
        return found

    prefix = protocol.API_PREFIX

    @app.get(f"{prefix}/health", response_model=HealthOut, tags=["service"])
    def health() -> HealthOut:
        """Is the service up? No token needed; the kiosk uses it to see the network is back."""
        return HealthOut(status="ok", api=1)

    @app.post(
        f"{prefix}/enrol",
        response_model=EnrolOut,
        tags=["enrolment"],
        responses={
            400: _ERRORS[400],
            403: {"model": ErrorOut, "description": "unknown, spent or expired code"},
            409: {"model": ErrorOut, "description": "the service has no publisher key yet"},
            413: _ERRORS[413],
            429: {"model": ErrorOut, "description": "too many refused attempts; see Retry-After"},
        },
    )
    def enrol(body: EnrolIn, request: Request) -> EnrolOut:
        """Spend a one-time enrolment code: a new device id, its token and the publisher key.

        Throttled: after too many refused attempts from one address, for one site or in all
        (see `docs/sync-protocol.md`), 429 with Retry-After, whatever the code."""
        address = request.client.host if request.client else ""
        try:
            done = db.enrol(body.code, body.name, address=address)
        except ServiceError as exc:
            if exc.code == "no_publisher_key":
                raise ApiError(409, protocol.E_NO_PUBLISHER_KEY, "no publisher key yet") from None
            if exc.code == protocol.E_THROTTLED:
                raise ApiError(
                    429,
                    protocol.E_THROTTLED,
                    "too many refused enrolment attempts: try again later",
                    {"Retry-After": str(exc.retry_after)},
                ) from None
            raise ApiError(
                403, protocol.E_ENROLMENT_CODE, "unknown, already used or expired code"
            ) from None
        return EnrolOut(
            device_id=done.device_id,
            token=done.token,
            site=done.site,
            publisher_key=PublisherKeyOut(key_id=done.key_id, public_key=done.public_key),
        )

    @app.get(f"{prefix}/device", response_model=DeviceOut, tags=["device"], responses=_ERRORS)
    def whoami(me: Annotated[Device, Depends(device)]) -> DeviceOut:
        """The calling device, as the service knows it."""
        return DeviceOut(
            device_id=me.id, site=me.site, name=me.name, records=db.count_records(me.id)
        )

    @app.get(
        f"{prefix}/content",
        response_model=ContentPageOut,
        tags=["content"],
        responses={**_ERRORS, 304: {"description": "nothing new since the ETag given"}},
    )
    def content_page(
        me: Annotated[Device, Depends(device)],
        response: Response,
        since: Annotated[int, Query(ge=0, le=2**62, description="the last cursor received")] = 0,
        if_none_match: Annotated[str | None, Header()] = None,
    ) -> Any:
        """Procedures published or withdrawn after `since`, oldest first, signed."""
        latest = db.latest_seq()
        etag = f'"c{latest}"'
        if since > latest:
            raise ApiError(400, protocol.E_BAD_CURSOR, "since is after the latest publication")
        if if_none_match is not None and if_none_match.strip() == etag and since == latest:
            return Response(status_code=304, headers={"ETag": etag})
        items, cursor, more, _latest = db.content_since(since, protocol.CONTENT_PAGE)
        response.headers["ETag"] = f'"c{_latest}"'
        return ContentPageOut(
            items=[ContentItemOut(**item.__dict__) for item in items], cursor=cursor, more=more
        )

    @app.post(
        f"{prefix}/records",
        response_model=RecordBatchOut,
        tags=["records"],
        responses=_ERRORS,
    )
    def push_records(body: RecordBatchIn, me: Annotated[Device, Depends(device)]) -> RecordBatchOut:
        """Store each record id once. Every id sent gets a status; only the device's own data."""
        if len(body.records) > protocol.MAX_BATCH:
            raise ApiError(
                413, protocol.E_TOO_LARGE, f"at most {protocol.MAX_BATCH} records in one batch"
            )
        results: dict[int, RecordResultOut] = {}
        valid: list[tuple[int, protocol.Record]] = []
        for index, raw in enumerate(body.records):
            record, problem, reason = protocol.check_record(raw)
            if record is None:
                sent_id = raw.get("id") if isinstance(raw, dict) else None
                # The id as sent, but text JSON can carry (a lone surrogate becomes "?").
                echoed = (
                    sent_id.encode("utf-8", "replace").decode("utf-8")[:100]
                    if isinstance(sent_id, str)
                    else ""
                )
                results[index] = RecordResultOut(
                    id=echoed, status=protocol.REJECTED, code=problem or "", reason=reason[:300]
                )
            else:
                valid.append((index, record))
        stored = db.store_records(me.id, [record for _, record in valid])
        for index, record in valid:
            status, code = stored[record.id]
            results[index] = RecordResultOut(id=record.id, status=status, code=code)
        return RecordBatchOut(results=[results[i] for i in range(len(body.records))])

    @app.get(
        f"{prefix}/records/{{record_id}}",
        response_model=StoredRecordOut,
        tags=["records"],
        responses={**_ERRORS, 404: {"model": ErrorOut, "description": "not one of yours"}},
    )
    def get_record(record_id: str, me: Annotated[Device, Depends(device)]) -> StoredRecordOut:
        """One of the calling device's own records (another device's is "not found")."""
        row = db.device_record(me.id, record_id)
        if row is None:
            raise ApiError(404, "not_found", "no such record for this device")
        return StoredRecordOut(
            id=row["id"],
            type=row["type"],
            type_version=row["type_version"],
            payload=json.loads(row["payload"]),
        )

    return app


def build_asgi(db: ServerDB) -> ASGIApp:
    """The application wrapped in the body-size limit: what uvicorn serves."""
    return BodyLimit(create_app(db), protocol.MAX_BODY_BYTES)
