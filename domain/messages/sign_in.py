"""Sentences of refusals at the doors: the token endpoint (RFC 6749 errors), bearer and Basic
credentials, the metrics endpoint. English and Thai; see domain/messages/__init__.py."""

SIGN_IN: dict[str, dict[str, str]] = {
    "sign_in_failed": {
        "en": "The username or password is not correct.",
        "th": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง",
    },
    "sign_in_account_disabled": {
        "en": "The account is disabled.",
        "th": "บัญชีนี้ถูกระงับการใช้งาน",
    },
    "refresh_token_invalid": {
        "en": "The refresh token is not valid; sign in again.",
        "th": "โทเคนต่ออายุ (refresh token) ไม่ถูกต้อง กรุณาเข้าสู่ระบบใหม่",
    },
    "refresh_token_revoked": {
        "en": "The refresh token was revoked; sign in again.",
        "th": "โทเคนต่ออายุ (refresh token) ถูกเพิกถอนแล้ว กรุณาเข้าสู่ระบบใหม่",
    },
    "refresh_token_reused": {
        "en": "The refresh token was already used; every token of its sign-in is now revoked.",
        "th": "โทเคนต่ออายุ (refresh token) นี้ถูกใช้ไปแล้ว โทเคนทั้งหมดของการเข้าสู่ระบบครั้งนั้นจึงถูกเพิกถอน",
    },
    "refresh_token_expired": {
        "en": "The refresh token has expired; sign in again.",
        "th": "โทเคนต่ออายุ (refresh token) หมดอายุแล้ว กรุณาเข้าสู่ระบบใหม่",
    },
    "client_invalid": {
        "en": "The client is unknown, disabled or its secret is wrong.",
        "th": "ไม่รู้จักระบบพอร์ทัลนี้ ถูกระงับ หรือรหัสลับ (secret) ไม่ถูกต้อง",
    },
    "grant_type_unsupported": {
        "en": "The grant_type “{grant_type}” is not supported; "
        "use password, refresh_token or client_credentials.",
        "th": "ไม่รองรับ grant_type “{grant_type}” "
        "กรุณาใช้ password, refresh_token หรือ client_credentials",
    },
    "parameter_missing": {
        "en": "The parameter “{name}” is required.",
        "th": "ต้องระบุพารามิเตอร์ “{name}”",
    },
    "parameter_too_long": {
        "en": "The parameter “{name}” is too long.",
        "th": "พารามิเตอร์ “{name}” ยาวเกินไป",
    },
    "parameter_nul": {
        "en": "The parameter “{name}” contains the NUL character (U+0000).",
        "th": "พารามิเตอร์ “{name}” มีอักขระ NUL (U+0000)",
    },
    "basic_not_base64": {
        "en": "The Basic credentials are not valid base64.",
        "th": "ข้อมูลยืนยันตัวตนแบบ Basic ไม่ใช่ base64 ที่ถูกต้อง",
    },
    "basic_no_colon": {
        "en": "The Basic credentials need “client_id:client_secret”.",
        "th": "ข้อมูลยืนยันตัวตนแบบ Basic ต้องอยู่ในรูป “client_id:client_secret”",
    },
    "client_credentials_twice": {
        "en": "Send client credentials either with HTTP Basic or in the form, not both.",
        "th": "ส่งข้อมูลยืนยันตัวตนของระบบพอร์ทัลทาง HTTP Basic หรือในแบบฟอร์มอย่างใดอย่างหนึ่ง ไม่ใช่ทั้งสองทาง",
    },
    "calendar_token_required": {
        "en": "A bearer token, or Basic with a personal API token as password, is required.",
        "th": "ต้องส่งโทเคนแบบ Bearer หรือแบบ Basic ที่ใช้โทเคน API ส่วนบุคคลเป็นรหัสผ่าน",
    },
    "metrics_token_required": {
        "en": "The metrics token is required: send it as a bearer token.",
        "th": "ต้องส่งโทเคนของ metrics เป็นโทเคนแบบ Bearer",
    },
}
