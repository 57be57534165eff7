"""Signed webhooks (Standard Webhooks): how an event reaches a receiver, and why nothing is lost.

1. A change writes its event to the outbox in the *same* transaction (``services.events``), so
   the event exists exactly when the change does, whether or not the process lives on.
2. The worker fans each new event out into one delivery per subscribed endpoint, claims due
   deliveries under a lease and sends each with no transaction open, then records the result
   (``delivery``; the lease and the back-off are ``services.leased_queue``'s).
3. Every request is signed (``signing``, with the ``standardwebhooks`` library) and goes only to
   an address the guard allows (``address_guard``), bounded in time and bytes (``exchange``).

The modules, one idea each: ``signing`` (secrets and signatures), ``address_guard`` (SSRF: which
hosts and addresses may be called), ``endpoints`` (the admin's service: register, list, remove,
replay), ``delivery`` (fan-out, claims, attempts, retries), ``exchange`` (one attempt on the
wire), ``worker`` (the in-process loop). The names importers use are gathered here.
"""

from services.leased_queue import BACKOFF, MAX_ATTEMPTS
from services.webhooks.address_guard import (
    AddressGuard,
    Resolver,
    Target,
    TargetRefused,
    address_refusal,
    check_target,
    system_resolve,
)
from services.webhooks.delivery import (
    LEASE,
    DeliveryReport,
    deliver_due,
    fan_out,
    make_client,
    run_pending,
)
from services.webhooks.endpoints import (
    DeliveryView,
    EndpointView,
    create_endpoint,
    delete_endpoint,
    get_endpoint,
    list_deliveries,
    list_endpoints,
    retry_delivery,
)
from services.webhooks.signing import generate_secret, sign, signed_headers
from services.webhooks.worker import WebhookWorker

__all__ = [
    "BACKOFF",
    "LEASE",
    "MAX_ATTEMPTS",
    "AddressGuard",
    "DeliveryReport",
    "DeliveryView",
    "EndpointView",
    "Resolver",
    "Target",
    "TargetRefused",
    "WebhookWorker",
    "address_refusal",
    "check_target",
    "create_endpoint",
    "delete_endpoint",
    "deliver_due",
    "fan_out",
    "generate_secret",
    "get_endpoint",
    "list_deliveries",
    "list_endpoints",
    "make_client",
    "retry_delivery",
    "run_pending",
    "sign",
    "signed_headers",
    "system_resolve",
]
