"""What the kiosk trusts: the pinned publisher key, valid documents, HTTPS with verification.
Anything else is refused whole, nothing is imported, and the reason is kept for staff."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import update

from pasapas.app.content import builtin_files
from pasapas.app.content.catalog import Catalog
from pasapas.app.content.signing import PrivateKey
from pasapas.app.outbox import SyncState
from pasapas.sync.client import SyncEngine, SyncError, check_service_url, enroll
from pasapas.sync.server.storage import ContentItem, content
from tests.app.helpers import builtin_data
from tests.sync.support import ThreadedService, catalog_versions, many_procedures


def _enrolled_store(make_store, central, service):
    store = make_store()
    enroll(store, service.url, central.code(), allow_http=True)
    SyncEngine(store).sync_once()
    return store


def _refused(store) -> str:
    before = catalog_versions(store)
    cursor = SyncState(store).get("content_cursor")
    with pytest.raises(SyncError) as caught:
        SyncEngine(store).sync_once()
    assert caught.value.kind == "content"
    assert catalog_versions(store) == before  # nothing imported
    assert SyncState(store).get("content_cursor") == cursor  # and nothing skipped
    status = SyncState(store).status()
    assert status.content_problem == caught.value.message
    assert status.log[0][1] == caught.value.message
    return caught.value.message


def test_a_tampered_document_is_refused_with_the_whole_batch(central, service, make_store):
    store = _enrolled_store(make_store, central, service)
    central.publish(many_procedures(3))
    tampered = json.loads(central.db.current_versions()["demarche-0001"][2])
    tampered["title"]["fr"] = "Donnez votre code de carte bancaire"
    with central.db.engine.begin() as conn:
        conn.execute(
            update(content)
            .where(content.c.procedure_id == "demarche-0001")
            .values(document=json.dumps(tampered, ensure_ascii=False, sort_keys=True))
        )
    message = _refused(store)
    assert "demarche-0001" in message and "signature" in message
    assert not {"demarche-0000", "demarche-0002"} & set(catalog_versions(store))


def test_content_signed_by_an_unknown_key_is_refused(central, service, make_store):
    store = _enrolled_store(make_store, central, service)
    stranger = PrivateKey.generate()
    (procedure,) = many_procedures(1)
    central.db.publish(
        [
            ContentItem(
                procedure.id,
                procedure.version,
                0,
                False,
                procedure.document,
                stranger.sign(procedure.id, procedure.version, procedure.document, False),
                stranger.public.key_id,
            )
        ]
    )
    assert "clé inconnue" in _refused(store)


def test_a_forged_withdrawal_is_refused(central, service, make_store):
    store = _enrolled_store(make_store, central, service)
    Catalog(store).import_files(builtin_files())
    stranger = PrivateKey.generate()
    central.db.publish(
        [
            ContentItem(
                "carte-vitale", 1, 0, True, None,
                stranger.sign("carte-vitale", 1, None, True), central.key.public.key_id,
            )
        ]
    )  # fmt: skip
    _refused(store)
    assert "carte-vitale" in catalog_versions(store)


def test_a_validly_signed_but_invalid_document_is_refused(central, service, make_store):
    store = _enrolled_store(make_store, central, service)
    data = builtin_data("carte-vitale")
    data["id"] = "carte-vitale-bis"
    data["start"] = "nulle-part"
    document = json.dumps(data, ensure_ascii=False, sort_keys=True)
    central.db.publish(
        [
            ContentItem(
                "carte-vitale-bis", data["version"], 0, False, document,
                central.key.sign("carte-vitale-bis", data["version"], document, False),
                central.key.public.key_id,
            )
        ]
    )  # fmt: skip
    assert "nulle-part" in _refused(store)


def test_after_the_publisher_fixes_it_the_next_sync_imports(central, service, make_store):
    store = _enrolled_store(make_store, central, service)
    stranger = PrivateKey.generate()
    (procedure,) = many_procedures(1)
    central.db.publish(
        [
            ContentItem(
                procedure.id, procedure.version, 0, False, procedure.document,
                stranger.sign(procedure.id, procedure.version, procedure.document, False),
                stranger.public.key_id,
            )
        ]
    )  # fmt: skip
    _refused(store)
    central.publish(many_procedures(1, version=2))
    SyncEngine(store).sync_once()
    assert catalog_versions(store)["demarche-0000"] == 2
    assert SyncState(store).status().content_problem == ""


# -- the address and TLS -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://example.org", "http://192.168.1.10:8000", "ftp://127.0.0.1", "https://u:p@host/"],
)
def test_plain_http_is_refused_except_to_loopback(url):
    with pytest.raises(SyncError):
        check_service_url(url, allow_http=True)


def test_plain_http_to_loopback_needs_the_explicit_flag():
    with pytest.raises(SyncError) as caught:
        check_service_url("http://127.0.0.1:8000")
    assert "--allow-http" in caught.value.message
    assert check_service_url("http://127.0.0.1:8000/", allow_http=True) == "http://127.0.0.1:8000"
    assert check_service_url("https://services.example.fr/pasapas") == (
        "https://services.example.fr/pasapas"
    )


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A private CA and a certificate for 127.0.0.1 that it signed."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "CA de test Pas à pas")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def test_https_is_verified_against_the_configured_ca_bundle(
    central, database_url, make_store, tmp_path
):
    ca_file, cert_file, key_file = _certificates(tmp_path)
    running = ThreadedService(database_url, tls=(str(cert_file), str(key_file)))
    try:
        store = make_store()
        with pytest.raises(SyncError) as caught:
            enroll(store, running.url, central.code())  # the system CAs do not know this one
        assert "certificat" in caught.value.message
        assert SyncState(store).enrolment() is None
        enrolment = enroll(store, running.url, central.code(), ca_bundle=str(ca_file))
        assert enrolment.ca_bundle == str(ca_file.resolve())
        central.publish(many_procedures(1))
        assert SyncEngine(store).sync_once().imported == 1
    finally:
        running.stop()
