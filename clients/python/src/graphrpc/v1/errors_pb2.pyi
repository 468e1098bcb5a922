from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from typing import ClassVar as _ClassVar

DESCRIPTOR: _descriptor.FileDescriptor

class ErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_REASON_UNSPECIFIED: _ClassVar[ErrorReason]
    NEO4J_CLIENT_ERROR: _ClassVar[ErrorReason]
    NEO4J_TRANSIENT_ERROR: _ClassVar[ErrorReason]
    NEO4J_DATABASE_ERROR: _ClassVar[ErrorReason]
    NEO4J_ERROR: _ClassVar[ErrorReason]
    DATABASE_UNAVAILABLE: _ClassVar[ErrorReason]
    DATABASE_LOGIN_REFUSED: _ClassVar[ErrorReason]
    PARAMETER_NOT_ENCODABLE: _ClassVar[ErrorReason]
    DRIVER_ERROR: _ClassVar[ErrorReason]
    ROW_LIMIT_EXCEEDED: _ClassVar[ErrorReason]
    STATEMENT_TIMEOUT: _ClassVar[ErrorReason]
    TRANSACTION_PROTOCOL: _ClassVar[ErrorReason]
    TRANSACTION_IDLE: _ClassVar[ErrorReason]
    STATEMENT_FAILED: _ClassVar[ErrorReason]
    NAMED_QUERY_NOT_FOUND: _ClassVar[ErrorReason]
    READER_WRITE: _ClassVar[ErrorReason]
    STATEMENT_FORBIDDEN: _ClassVar[ErrorReason]
    RAW_CYPHER_FORBIDDEN: _ClassVar[ErrorReason]
    CREDENTIALS_MISSING: _ClassVar[ErrorReason]
    CREDENTIALS_INVALID: _ClassVar[ErrorReason]
    CATALOG_NOT_CONFIGURED: _ClassVar[ErrorReason]
    CALL_LIMIT_REACHED: _ClassVar[ErrorReason]
    RATE_LIMITED: _ClassVar[ErrorReason]
    REQUEST_TOO_LARGE: _ClassVar[ErrorReason]
    STREAM_AHEAD_LIMIT: _ClassVar[ErrorReason]
    SHUTTING_DOWN: _ClassVar[ErrorReason]
ERROR_REASON_UNSPECIFIED: ErrorReason
NEO4J_CLIENT_ERROR: ErrorReason
NEO4J_TRANSIENT_ERROR: ErrorReason
NEO4J_DATABASE_ERROR: ErrorReason
NEO4J_ERROR: ErrorReason
DATABASE_UNAVAILABLE: ErrorReason
DATABASE_LOGIN_REFUSED: ErrorReason
PARAMETER_NOT_ENCODABLE: ErrorReason
DRIVER_ERROR: ErrorReason
ROW_LIMIT_EXCEEDED: ErrorReason
STATEMENT_TIMEOUT: ErrorReason
TRANSACTION_PROTOCOL: ErrorReason
TRANSACTION_IDLE: ErrorReason
STATEMENT_FAILED: ErrorReason
NAMED_QUERY_NOT_FOUND: ErrorReason
READER_WRITE: ErrorReason
STATEMENT_FORBIDDEN: ErrorReason
RAW_CYPHER_FORBIDDEN: ErrorReason
CREDENTIALS_MISSING: ErrorReason
CREDENTIALS_INVALID: ErrorReason
CATALOG_NOT_CONFIGURED: ErrorReason
CALL_LIMIT_REACHED: ErrorReason
RATE_LIMITED: ErrorReason
REQUEST_TOO_LARGE: ErrorReason
STREAM_AHEAD_LIMIT: ErrorReason
SHUTTING_DOWN: ErrorReason
