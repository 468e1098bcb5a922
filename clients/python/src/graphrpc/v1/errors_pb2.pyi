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
