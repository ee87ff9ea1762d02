"""JSON errors in Vietnamese: one shape for every status (`detail` for people, `code` for programs)."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ApiError(Exception):
    def __init__(self, status: int, code: str, detail: str, *, errors: list[dict] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail
        self.errors = errors or []
        self.headers = headers or {}


def not_found(what: str | None = None) -> ApiError:
    return ApiError(404, "not_found", what or _("Không tìm thấy dữ liệu yêu cầu."))


def forbidden(detail: str) -> ApiError:
    return ApiError(403, "forbidden", detail)


def field_message(error_type: str) -> str:
    """A Vietnamese message for pydantic's error types (the type itself stays in `type`)."""
    messages = {
        "missing": _("Thiếu trường bắt buộc."),
        "extra_forbidden": _("Trường không được phép."),
        "string_too_long": _("Chuỗi quá dài."),
        "string_too_short": _("Chuỗi quá ngắn."),
        "string_pattern_mismatch": _("Chuỗi có ký tự không được phép."),
        "string_type": _("Phải là chuỗi ký tự."),
        "int_parsing": _("Phải là số nguyên."),
        "int_type": _("Phải là số nguyên."),
        "float_parsing": _("Phải là số."),
        "float_type": _("Phải là số."),
        "greater_than_equal": _("Giá trị quá nhỏ."),
        "less_than_equal": _("Giá trị quá lớn."),
        "literal_error": _("Giá trị không thuộc danh sách cho phép."),
        "enum": _("Giá trị không thuộc danh sách cho phép."),
        "datetime_parsing": _("Phải là thời điểm theo ISO 8601."),
        "datetime_type": _("Phải là thời điểm theo ISO 8601."),
        "timezone_aware": _("Thời điểm phải có múi giờ (ví dụ +07:00)."),
        "list_type": _("Phải là danh sách."),
        "too_short": _("Danh sách quá ngắn."),
        "too_long": _("Danh sách quá dài."),
        "bool_parsing": _("Phải là true hoặc false."),
        "value_error": _("Giá trị không hợp lệ."),
        "model_attributes_type": _("Phải là một đối tượng JSON."),
        "dict_type": _("Phải là một đối tượng JSON."),
    }
    return messages.get(error_type, _("Giá trị không hợp lệ."))
