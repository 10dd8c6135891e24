/**
 * What Alembic Drift knows of the model base classes that well-known libraries give a project, written as Python the
 * engine reads like the project's own modules. A model deriving from fastapi-users' `SQLAlchemyBaseUserTableUUID`
 * gets its table's name and columns from it; with the library out of the workspace, that table would otherwise have
 * no model and the model's own columns no table. These texts are descriptions of the tables the libraries document
 * (names, types, keys), not the libraries' code; a module of the project's own of the same name is read instead.
 */

/** The folder the library modules seem to live in: no path of a workspace begins with it. */
const LIBRARY_FOLDER = 'alembic-drift:library/';

/** fastapi-users-db-sqlalchemy 4 to 7: the users, OAuth accounts and access tokens tables. */
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

/** The library modules by dotted name. */
const MODULES: ReadonlyMap<string, string> = new Map([
  ['fastapi_users_db_sqlalchemy', FASTAPI_USERS_DB_SQLALCHEMY],
  ['fastapi_users_db_sqlalchemy.generics', FASTAPI_USERS_GENERICS],
  ['fastapi_users_db_sqlalchemy.access_token', FASTAPI_USERS_ACCESS_TOKEN],
]);

/** The path a library module is read under, when Alembic Drift describes a module of that dotted name. */
export function libraryModuleFile(dotted: string): string | undefined {
  if (!MODULES.has(dotted)) return undefined;
  const isPackage = [...MODULES.keys()].some((m) => m.startsWith(`${dotted}.`));
  return `${LIBRARY_FOLDER}${dotted.replace(/\./g, '/')}${isPackage ? '/__init__' : ''}.py`;
}

/** The Python text of a library module, by the path `libraryModuleFile` gave it. */
export function libraryModuleText(file: string): string | undefined {
  if (!isLibraryFile(file)) return undefined;
  const dotted = file.slice(LIBRARY_FOLDER.length, -'.py'.length).replace(/\/__init__$/, '').replace(/\//g, '.');
  return MODULES.get(dotted);
}

/** Whether a path is one of the library modules' (never a workspace file). */
export function isLibraryFile(file: string): boolean {
  return file.startsWith(LIBRARY_FOLDER);
}
