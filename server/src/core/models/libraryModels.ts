/**
 * What Alembic Drift knows of the model base classes that well-known libraries give a project, written as Python the
 * engine reads like the project's own modules. A model deriving from fastapi-users' `SQLAlchemyBaseUserTableUUID` or
 * advanced-alchemy's `UUIDAuditBase` gets its table's name, columns and constraints from it; with the library out of
 * the workspace (it is installed, not checked in), that table would otherwise have no model and the model's own
 * columns no table. These texts describe what the libraries document (names, types, keys, conventions), in the forms
 * the engine reads; they are not the libraries' code. A module of the project's own of the same name is read instead.
 */

/** The folder the library modules seem to live in: no path of a workspace begins with it. */
const LIBRARY_FOLDER = 'alembic-drift:library/';

/** fastapi-users-db-sqlalchemy (version 7): the users, OAuth accounts and access tokens tables. */
const FASTAPI_USERS_DB_SQLALCHEMY = `
import uuid
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column
from fastapi_users_db_sqlalchemy.generics import GUID

UUID_ID = uuid.UUID


class SQLAlchemyBaseUserTable:
    __tablename__ = "user"
    email: Mapped[str] = mapped_column(String(length=320), unique=True, index=True, nullable=False)
    hashed_password: Mapped[str] = mapped_column(String(length=1024), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    is_verified: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


class SQLAlchemyBaseUserTableUUID(SQLAlchemyBaseUserTable):
    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid.uuid4)


class SQLAlchemyBaseOAuthAccountTable:
    __tablename__ = "oauth_account"
    oauth_name: Mapped[str] = mapped_column(String(length=100), index=True, nullable=False)
    access_token: Mapped[str] = mapped_column(String(length=1024), nullable=False)
    expires_at: Mapped[int | None] = mapped_column(Integer, nullable=True)
    refresh_token: Mapped[str | None] = mapped_column(String(length=1024), nullable=True)
    account_id: Mapped[str] = mapped_column(String(length=320), index=True, nullable=False)
    account_email: Mapped[str] = mapped_column(String(length=320), nullable=False)


class SQLAlchemyBaseOAuthAccountTableUUID(SQLAlchemyBaseOAuthAccountTable):
    id: Mapped[uuid.UUID] = mapped_column(GUID, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(GUID, ForeignKey("user.id", ondelete="cascade"), nullable=False)
`;

/** fastapi_users_db_sqlalchemy.generics: its UUID type (UUID on PostgreSQL, CHAR(36) elsewhere) and timestamp type. */
const FASTAPI_USERS_GENERICS = `
from sqlalchemy import CHAR, TIMESTAMP, TypeDecorator
from sqlalchemy.dialects.postgresql import UUID


class GUID(TypeDecorator):
    impl = CHAR

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(UUID())
        return dialect.type_descriptor(CHAR(36))


class TIMESTAMPAware(TypeDecorator):
    impl = TIMESTAMP
`;

/** fastapi_users_db_sqlalchemy.access_token: the access tokens table of the database strategy. */
const FASTAPI_USERS_ACCESS_TOKEN = `
import uuid
from datetime import datetime
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from fastapi_users_db_sqlalchemy.generics import GUID, TIMESTAMPAware


class SQLAlchemyBaseAccessTokenTable:
    __tablename__ = "accesstoken"
    token: Mapped[str] = mapped_column(String(length=43), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMPAware(timezone=True), index=True, nullable=False)


class SQLAlchemyBaseAccessTokenTableUUID(SQLAlchemyBaseAccessTokenTable):
    user_id: Mapped[uuid.UUID] = mapped_column(GUID, ForeignKey("user.id", ondelete="cascade"), nullable=False)
`;

/** The kinds of primary key advanced-alchemy's bases come in (`UUIDv7Base`, `UUIDv7AuditBase`, ...). */
const ADVANCED_ALCHEMY_KEYS = ['UUID', 'UUIDv6', 'UUIDv7', 'NanoID', 'BigInt', 'Identity'];

/**
 * advanced-alchemy (the Litestar ecosystem's models): its declarative bases, each with its own registry, naming
 * convention, type map and table names from the class name, and the primary keys and audit columns they give.
 */
const ADVANCED_ALCHEMY_BASE = `
import datetime
import re
import uuid
from sqlalchemy import Date, MetaData
from sqlalchemy.orm import DeclarativeBase, declared_attr, has_inherited_table, registry
from advanced_alchemy.mixins import AuditColumns, BigIntPrimaryKey, IdentityPrimaryKey, NanoIDPrimaryKey, UUIDPrimaryKey, UUIDv6PrimaryKey, UUIDv7PrimaryKey
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB

convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
table_name_regexp = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
orm_registry = registry(
    metadata=MetaData(naming_convention=convention),
    type_annotation_map={uuid.UUID: GUID, datetime.datetime: DateTimeUTC, datetime.date: Date, dict: JsonB},
)


class BasicAttributes:
    pass


class CommonTableAttributes(BasicAttributes):
    @declared_attr.directive
    def __tablename__(cls):
        if has_inherited_table(cls):
            return None
        return table_name_regexp.sub(r"_\\1", cls.__name__).lower()


class AdvancedDeclarativeBase(DeclarativeBase):
    registry = orm_registry
    __abstract__ = True



# The bases a project derives its models from (each abstract: a subclass is the mapped model), a plain and an audited
# one for each kind of primary key.
${ADVANCED_ALCHEMY_KEYS.map((key) => `class ${key}Base(${key}PrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase): __abstract__ = True
class ${key}AuditBase(CommonTableAttributes, ${key}PrimaryKey, AuditColumns, AdvancedDeclarativeBase): __abstract__ = True`).join('\n')}
class DefaultBase(CommonTableAttributes, AdvancedDeclarativeBase): __abstract__ = True
class SQLQuery(BasicAttributes, AdvancedDeclarativeBase): __abstract__ = True
`;

/** advanced_alchemy.mixins: the primary keys (each with SQLAlchemy's insert sentinel column), audit columns and slug. */
const ADVANCED_ALCHEMY_MIXINS = `
import datetime
import uuid
from sqlalchemy import Identity, Index, Integer, Sequence, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from advanced_alchemy.types import BigIntIdentity, DateTimeUTC


class SentinelMixin:
    _sentinel: Mapped[int | None] = mapped_column("sa_orm_sentinel", Integer, nullable=True)


class UUIDPrimaryKey(SentinelMixin):
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class UUIDv6PrimaryKey(SentinelMixin):
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class UUIDv7PrimaryKey(SentinelMixin):
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class NanoIDPrimaryKey(SentinelMixin):
    id: Mapped[str] = mapped_column(primary_key=True)


class BigIntPrimaryKey:
    @declared_attr
    def id(cls) -> Mapped[int]:
        return mapped_column(BigIntIdentity, Sequence(f"{cls.__tablename__}_id_seq", optional=False), primary_key=True)


class IdentityPrimaryKey:
    @declared_attr
    def id(cls) -> Mapped[int]:
        return mapped_column(BigIntIdentity, Identity(start=1, increment=1), primary_key=True)


class AuditColumns:
    created_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))


class SlugKey:
    @declared_attr
    def slug(cls) -> Mapped[str]:
        return mapped_column(String(length=100), nullable=False)

    @declared_attr.directive
    def __table_args__(cls):
        return (
            UniqueConstraint(cls.slug, name=f"uq_{cls.__tablename__}_slug"),
            Index(f"ix_{cls.__tablename__}_slug_unique", cls.slug, unique=True),
        )


class UniqueMixin:
    pass
`;

/** advanced_alchemy.types: the column types its bases and type map use. */
const ADVANCED_ALCHEMY_TYPES = `
from sqlalchemy import BINARY, JSON, BigInteger, DateTime, Integer, String, Text, TypeDecorator
from sqlalchemy.dialects.mssql import UNIQUEIDENTIFIER
from sqlalchemy.dialects.oracle import RAW
from sqlalchemy.dialects.postgresql import JSONB as PG_JSONB
from sqlalchemy.dialects.postgresql import UUID as PG_UUID


class GUID(TypeDecorator):
    impl = BINARY(16)

    def load_dialect_impl(self, dialect):
        if dialect.name in ("postgresql", "duckdb", "cockroachdb"):
            return dialect.type_descriptor(PG_UUID())
        if dialect.name == "oracle":
            return dialect.type_descriptor(RAW(16))
        if dialect.name == "mssql":
            return dialect.type_descriptor(UNIQUEIDENTIFIER())
        return dialect.type_descriptor(BINARY(16))


class DateTimeUTC(TypeDecorator):
    impl = DateTime(timezone=True)


class EncryptedString(TypeDecorator):
    impl = String

    def __init__(self, key=None, backend=None, length=None, **kwargs):
        pass

    def load_dialect_impl(self, dialect):
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(Text())
        return dialect.type_descriptor(String())


class EncryptedText(EncryptedString):
    impl = Text

    def load_dialect_impl(self, dialect):
        return dialect.type_descriptor(Text())


BigIntIdentity = BigInteger().with_variant(Integer, "sqlite")
JsonB = JSON().with_variant(PG_JSONB, "postgresql")
`;

/**
 * neutron-lib (OpenStack Neutron and its plugins): the declarative base whose tables are named after the class in the
 * plural, and the id, project and status mixins its models combine.
 */
const NEUTRON_LIB_MODEL_BASE = `
import sqlalchemy as sa
from sqlalchemy.orm import declarative_base, declared_attr
from neutron_lib.db import constants as db_const


class HasProject:
    project_id = sa.Column(sa.String(db_const.PROJECT_ID_FIELD_SIZE), index=True)


class HasProjectNoIndex(HasProject):
    project_id = sa.Column(sa.String(db_const.PROJECT_ID_FIELD_SIZE))


class HasProjectPrimaryKey(HasProject):
    project_id = sa.Column(sa.String(db_const.PROJECT_ID_FIELD_SIZE), nullable=False, primary_key=True)


class HasProjectPrimaryUniqueKey(HasProject):
    project_id = sa.Column(sa.String(db_const.PROJECT_ID_FIELD_SIZE), nullable=False, primary_key=True, unique=True)


class HasId:
    id = sa.Column(sa.String(db_const.UUID_FIELD_SIZE), primary_key=True)


class HasStatusDescription:
    status = sa.Column(sa.String(db_const.STATUS_FIELD_SIZE), nullable=False)
    status_description = sa.Column(sa.String(db_const.DESCRIPTION_FIELD_SIZE))


class NeutronBaseV2:
    __table_args__ = {"mysql_engine": "InnoDB"}

    @declared_attr
    def __tablename__(cls):
        return cls.__name__.lower() + "s"


BASEV2 = declarative_base(cls=NeutronBaseV2)
`;

/** neutron_lib.db.constants: the field sizes neutron-lib's models and its projects' models use, and the names of the two branches of their histories. */
const NEUTRON_LIB_DB_CONSTANTS = `
NAME_FIELD_SIZE = 255
LONG_DESCRIPTION_FIELD_SIZE = 1024
DESCRIPTION_FIELD_SIZE = 255
PROJECT_ID_FIELD_SIZE = 255
DEVICE_ID_FIELD_SIZE = 255
DEVICE_OWNER_FIELD_SIZE = 255
UUID_FIELD_SIZE = 36
STATUS_FIELD_SIZE = 16
IP_ADDR_FIELD_SIZE = 64
MAC_ADDR_FIELD_SIZE = 32
RESOURCE_TYPE_FIELD_SIZE = 255
FQDN_FIELD_SIZE = 255
AZ_HINTS_DB_LEN = 255
EXPAND_BRANCH = 'expand'
CONTRACT_BRANCH = 'contract'
DB_INTEGER_MAX_VALUE = 2 ** 31 - 1
`;

/**
 * neutron_lib.db.standard_attr: the table of the attributes all Neutron resources share, and the mixin that gives a
 * resource's table its key into it (the shared attributes themselves are reached through a relationship).
 */
const NEUTRON_LIB_STANDARD_ATTR = `
import sqlalchemy as sa
from sqlalchemy.orm import declared_attr
from neutron_lib.db import constants as db_const
from neutron_lib.db import model_base
from neutron_lib.db import sqlalchemytypes


class StandardAttribute(model_base.BASEV2):
    id = sa.Column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True)
    resource_type = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.String(db_const.DESCRIPTION_FIELD_SIZE))
    revision_number = sa.Column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), server_default="0", nullable=False)
    created_at = sa.Column(sqlalchemytypes.TruncatedDateTime)
    updated_at = sa.Column(sqlalchemytypes.TruncatedDateTime)


class HasStandardAttributes:
    @declared_attr
    def standard_attr_id(cls):
        return sa.Column(sa.BigInteger().with_variant(sa.Integer(), "sqlite"), sa.ForeignKey(StandardAttribute.id, ondelete="CASCADE"), unique=True, nullable=False)
`;

/** neutron_lib.db.sqlalchemytypes: the column types of addresses and of timestamps without microseconds. */
const NEUTRON_LIB_SQLALCHEMY_TYPES = `
from sqlalchemy import types


class IPAddress(types.TypeDecorator):
    impl = types.String(64)


class CIDR(types.TypeDecorator):
    impl = types.String(64)


class MACAddress(types.TypeDecorator):
    impl = types.String(64)


class TruncatedDateTime(types.TypeDecorator):
    impl = types.DateTime
`;

/**
 * oslo.db (OpenStack's database library): the model base projects derive their declarative base from, and its
 * timestamp and soft-delete mixins.
 */
const OSLO_DB_MODELS = `
from sqlalchemy import Column, DateTime
from oslo_db.sqlalchemy import types


class ModelBase:
    pass


class TimestampMixin:
    created_at = Column(DateTime)
    updated_at = Column(DateTime)


class SoftDeleteMixin:
    deleted_at = Column(DateTime)
    deleted = Column(types.SoftDeleteInteger)
`;

/** oslo_db.sqlalchemy.types: JSON kept as text, the soft-delete integer, and its String with MySQL NDB options. */
const OSLO_DB_TYPES = `
from sqlalchemy import Integer, Text, TypeDecorator
from sqlalchemy import String as _String


class JsonEncodedType(TypeDecorator):
    impl = Text

    def __init__(self, mysql_as_long=False, mysql_as_medium=False):
        pass


class JsonEncodedDict(JsonEncodedType):
    pass


class JsonEncodedList(JsonEncodedType):
    pass


class SoftDeleteInteger(TypeDecorator):
    impl = Integer


String = _String
`;

/**
 * oslo_db.sqlalchemy.utils: its tests on what the database holds, which revisions use to skip what is already there
 * (cinder's `if is_mysql and utils.index_exists(conn, table, name)`), written as the Inspector reads they are.
 */
const OSLO_DB_UTILS = `
from sqlalchemy import inspect


def index_exists(engine, table_name, index_name):
    return index_name in [ix["name"] for ix in inspect(engine).get_indexes(table_name)]


def column_exists(engine, table_name, column):
    return column in [c["name"] for c in inspect(engine).get_columns(table_name)]
`;

/** sqlalchemy-helpers (Fedora's): its declarative base, with the naming convention of its MetaData. */
const SQLALCHEMY_HELPERS_MANAGER = `
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def get_base(*args, **kwargs):
    return Base
`;

/** sqlalchemy_helpers.aio: the base of async models, with a MetaData of its own under the same naming convention. */
const SQLALCHEMY_HELPERS_AIO = `
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy_helpers.manager import NAMING_CONVENTION


class Base(AsyncAttrs, DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
`;

/**
 * neutron.db.migration: the helpers neutron's plugins call from their revisions (networking-sfc's
 * `migration.remove_foreign_keys(table, fks)` then `migration.create_foreign_keys(table, fks)` after setting
 * `fk["options"]["ondelete"]`): what each does to the database, as ops and tests on it.
 */
const NEUTRON_MIGRATION = `
import contextlib
import sqlalchemy as sa
from alembic import op


def schema_has_table(table_name):
    return table_name in sa.inspect(op.get_bind()).get_table_names()


def schema_has_column(table_name, column_name):
    if not schema_has_table(table_name):
        return False
    return column_name in [c["name"] for c in sa.inspect(op.get_bind()).get_columns(table_name)]


def add_column_if_not_exists(table_name, column, **kwargs):
    if not schema_has_column(table_name, column.name):
        op.add_column(table_name, column, **kwargs)


def alter_column_if_exists(table_name, column_name, **kwargs):
    if schema_has_column(table_name, column_name):
        op.alter_column(table_name, column_name, **kwargs)


def drop_table_if_exists(table_name):
    if schema_has_table(table_name):
        op.drop_table(table_name)


def rename_table_if_exists(old_table_name, new_table_name):
    if schema_has_table(old_table_name):
        op.rename_table(old_table_name, new_table_name)


def alter_enum_add_value(table, column, enum, nullable, server_default=None):
    op.alter_column(table, column, type_=enum, existing_nullable=nullable, server_default=server_default)


def remove_foreign_keys(table, foreign_keys):
    for key in foreign_keys:
        op.drop_constraint(key["name"], table, type_="foreignkey")


def create_foreign_keys(table, foreign_keys):
    for key in foreign_keys:
        op.create_foreign_key(key["name"], table, key["referred_table"], key["constrained_columns"], key["referred_columns"], ondelete=key["options"].get("ondelete"))


@contextlib.contextmanager
def remove_fks_from_table(table):
    keys = sa.inspect(op.get_bind()).get_foreign_keys(table)
    remove_foreign_keys(table, keys)
    yield
    create_foreign_keys(table, keys)
`;

/** neutron.db.migration.cli: the branch labels a neutron plugin's first revisions take from neutron's own. */
const NEUTRON_MIGRATION_CLI = `
EXPAND_BRANCH = "expand"
CONTRACT_BRANCH = "contract"
`;

/** Litestar's `plugins.sqlalchemy` (and its older `contrib.sqlalchemy`): advanced-alchemy's modules and bases, re-exported. */
const LITESTAR_SQLALCHEMY = `
from advanced_alchemy import base, mixins, types
from advanced_alchemy.base import *
from advanced_alchemy.mixins import *
`;

/** The library modules by dotted name. */
const MODULES: ReadonlyMap<string, string> = new Map([
  ['fastapi_users_db_sqlalchemy', FASTAPI_USERS_DB_SQLALCHEMY],
  ['fastapi_users_db_sqlalchemy.generics', FASTAPI_USERS_GENERICS],
  ['fastapi_users_db_sqlalchemy.access_token', FASTAPI_USERS_ACCESS_TOKEN],
  ['advanced_alchemy', ''],
  ['advanced_alchemy.base', ADVANCED_ALCHEMY_BASE],
  ['advanced_alchemy.mixins', ADVANCED_ALCHEMY_MIXINS],
  ['advanced_alchemy.types', ADVANCED_ALCHEMY_TYPES],
  // Litestar's re-exports of advanced-alchemy (its 2.x plugins and contrib modules, and advanced-alchemy's extension).
  ['advanced_alchemy.extensions', ''],
  ['advanced_alchemy.extensions.litestar', LITESTAR_SQLALCHEMY],
  ['litestar', ''],
  ['litestar.plugins', ''],
  ['litestar.plugins.sqlalchemy', LITESTAR_SQLALCHEMY],
  ['litestar.contrib', ''],
  ['litestar.contrib.sqlalchemy', LITESTAR_SQLALCHEMY],
  ['litestar.contrib.sqlalchemy.base', 'from advanced_alchemy.base import *\n'],
  ['oslo_db', ''],
  ['oslo_db.sqlalchemy', ''],
  ['oslo_db.sqlalchemy.models', OSLO_DB_MODELS],
  ['oslo_db.sqlalchemy.types', OSLO_DB_TYPES],
  ['oslo_db.sqlalchemy.utils', OSLO_DB_UTILS],
  ['sqlalchemy_helpers', 'from sqlalchemy_helpers.manager import Base, get_base\n'],
  ['sqlalchemy_helpers.manager', SQLALCHEMY_HELPERS_MANAGER],
  ['sqlalchemy_helpers.aio', SQLALCHEMY_HELPERS_AIO],
  ['neutron_lib', ''],
  ['neutron_lib.db', ''],
  ['neutron_lib.db.model_base', NEUTRON_LIB_MODEL_BASE],
  ['neutron_lib.db.constants', NEUTRON_LIB_DB_CONSTANTS],
  ['neutron_lib.db.standard_attr', NEUTRON_LIB_STANDARD_ATTR],
  ['neutron_lib.db.sqlalchemytypes', NEUTRON_LIB_SQLALCHEMY_TYPES],
  ['neutron', ''],
  ['neutron.db', ''],
  ['neutron.db.migration', NEUTRON_MIGRATION],
  ['neutron.db.migration.cli', NEUTRON_MIGRATION_CLI],
]);

/** Described modules that hold no model, so importing them is no sign of one. */
const NO_MODELS = new Set(['neutron']);

/**
 * Text that imports a described library: a file that does may hold models with no other sign of them (`class
 * User(SQLAlchemyBaseUserTableUUID, Base): pass`).
 */
export const LIBRARY_IMPORT_HINT = new RegExp(`\\b(${[...new Set([...MODULES.keys()].map((m) => m.split('.')[0]))].filter((m) => !NO_MODELS.has(m)).join('|')})\\b`);

/** The path a library module is read under, when Alembic Drift describes a module of that dotted name. */
export function libraryModuleFile(dotted: string): string | undefined {
  if (!MODULES.has(dotted)) return undefined;
  const isPackage = [...MODULES.keys()].some((m) => m.startsWith(`${dotted}.`));
  return `${LIBRARY_FOLDER}${dotted.replace(/\./g, '/')}${isPackage ? '/__init__' : ''}.py`;
}

/** The dotted name of a library module, by the path `libraryModuleFile` gave it. */
export function libraryModuleName(file: string): string | undefined {
  if (!isLibraryFile(file)) return undefined;
  const dotted = file.slice(LIBRARY_FOLDER.length, -'.py'.length).replace(/\/__init__$/, '').replace(/\//g, '.');
  return MODULES.has(dotted) ? dotted : undefined;
}

/** The Python text of a library module, by the path `libraryModuleFile` gave it. */
export function libraryModuleText(file: string): string | undefined {
  const dotted = libraryModuleName(file);
  return dotted === undefined ? undefined : MODULES.get(dotted);
}

/** Whether a path is one of the library modules' (never a workspace file). */
export function isLibraryFile(file: string): boolean {
  return file.startsWith(LIBRARY_FOLDER);
}
