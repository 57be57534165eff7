"""Sentences of the refusals of webhooks and notices: an endpoint's URL and events, the address
guard, deliveries, and notices asked for by a caller who is not a person (English and Thai;
see domain/messages/__init__.py)."""

WEBHOOKS: dict[str, dict[str, str]] = {
    # --- the address guard (services/webhooks/address_guard.py) --------------------------------
    "webhook_url_too_long": {
        "en": "The webhook URL is longer than {max_length} characters.",
        "th": "URL ของ webhook ยาวเกิน {max_length} ตัวอักษร",
    },
    "webhook_url_invalid": {
        "en": "The webhook URL is not a valid web address, such as https://hooks.example.org/sqs.",
        "th": "URL ของ webhook ไม่ใช่ที่อยู่เว็บที่ถูกต้อง ตัวอย่างที่ถูกต้อง เช่น https://hooks.example.org/sqs",
    },
    "webhook_url_scheme": {
        "en": "The webhook URL must start with http:// or https://.",
        "th": "URL ของ webhook ต้องขึ้นต้นด้วย http:// หรือ https://",
    },
    "webhook_url_no_host": {
        "en": "The webhook URL has no host name.",
        "th": "URL ของ webhook ไม่มีชื่อโฮสต์",
    },
    "webhook_url_credentials": {
        "en": "Remove the user name and password from the webhook URL: the signature of each "
        "delivery tells the receiver it comes from us.",
        "th": "กรุณาลบชื่อผู้ใช้และรหัสผ่านออกจาก URL ของ webhook "
        "ลายมือชื่อดิจิทัลของแต่ละการส่งยืนยันกับผู้รับแล้วว่ามาจากระบบนี้",
    },
    "webhook_url_fragment": {
        "en": "Remove the #fragment from the webhook URL.",
        "th": "กรุณาลบส่วน #fragment ออกจาก URL ของ webhook",
    },
    "webhook_host_unresolved": {
        "en": "The host “{host}” of the webhook URL does not resolve (DNS does not know it); "
        "check its spelling.",
        "th": "ไม่พบโฮสต์ “{host}” ของ URL ของ webhook ใน DNS กรุณาตรวจสอบการสะกด",
    },
    "webhook_address_not_public": {
        "en": "“{host}” resolves to {address}, a {address_class} address; webhooks may only "
        "call public addresses unless the host is named in SQS_WEBHOOK_ALLOW_HOSTS.",
        "th": "“{host}” ชี้ไปยังที่อยู่ {address} ซึ่งเป็น{address_class_th} "
        "webhook เรียกได้เฉพาะที่อยู่สาธารณะ เว้นแต่ชื่อโฮสต์อยู่ใน SQS_WEBHOOK_ALLOW_HOSTS",
    },
    # --- endpoints (services/webhooks/endpoints.py) --------------------------------------------
    "webhook_events_unknown": {
        "en": "Unknown event types: {unknown}; choose from {allowed}.",
        "th": "ไม่รู้จักประเภทเหตุการณ์ {unknown} กรุณาเลือกจาก {allowed}",
    },
    "webhook_events_empty": {
        "en": "Subscribe to at least one event type.",
        "th": "กรุณาเลือกประเภทเหตุการณ์ที่จะรับอย่างน้อยหนึ่งประเภท",
    },
    "webhook_not_found": {
        "en": "There is no webhook endpoint {endpoint_id}.",
        "th": "ไม่มีปลายทาง webhook หมายเลข {endpoint_id}",
    },
    "webhook_delivery_not_found": {
        "en": "Webhook endpoint {endpoint_id} has no delivery {delivery_id}.",
        "th": "ปลายทาง webhook หมายเลข {endpoint_id} ไม่มีการส่งหมายเลข {delivery_id}",
    },
    "webhook_inactive": {
        "en": "Webhook endpoint {endpoint_id} is no longer active; register it again to "
        "receive deliveries.",
        "th": "ปลายทาง webhook หมายเลข {endpoint_id} ถูกปิดใช้งานแล้ว กรุณาลงทะเบียนใหม่เพื่อรับการส่ง",
    },
    # --- notices (services/notices.py) ---------------------------------------------------------
    "notices_need_a_person": {
        "en": "Notices go to people; a portal client has none. Sign in as a user.",
        "th": "การแจ้งเตือนส่งถึงบุคคล ไคลเอนต์ของพอร์ทัลจึงไม่มีการแจ้งเตือน กรุณาเข้าสู่ระบบในนามผู้ใช้",
    },
}

ADDRESS_CLASSES_TH: dict[str, str] = {
    "unspecified": "ที่อยู่ที่ไม่ระบุ (unspecified)",
    "loopback": "ที่อยู่วนกลับภายในเครื่อง (loopback)",
    "link-local": "ที่อยู่เฉพาะเครือข่ายย่อย (link-local)",
    "multicast": "ที่อยู่แบบกลุ่ม (multicast)",
    "private": "ที่อยู่ของเครือข่ายภายใน (private)",
    "reserved": "ที่อยู่ที่สงวนไว้ (reserved)",
    "site-local": "ที่อยู่เฉพาะองค์กร (site-local)",
    "not globally routable": "ที่อยู่ที่ไม่สามารถเข้าถึงได้จากอินเทอร์เน็ต",
}
"""The Thai words for each class of address the guard refuses (``address_class_th``)."""
