import * as assert from 'node:assert/strict';
import { modelTables, resolverFor } from './project';
import { computedTableName } from '../../server/src/core/models/tableNames';

describe('models -> schema', () => {
  it('reads classic declarative models with constants, aliases and a base from another file', async () => {
    const tables = await modelTables({
      'app/db.py': `
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
      `,
      'app/types.py': `
        import sqlalchemy as sa
        String50 = sa.String(50)
      `,
      'app/models.py': `
        import sqlalchemy as sa
        from sqlalchemy import Column, ForeignKey, Integer
        from .db import Base
        from .types import String50
        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            email = Column(sa.String(length=255), nullable=False, unique=True)
            nick = Column(String50, index=True)
            created = Column(sa.DateTime, server_default=sa.func.now())
        class Post(Base):
            __tablename__ = "posts"
            id = Column(Integer, primary_key=True)
            author_id = Column(ForeignKey("users.id", ondelete="CASCADE"))
            title = Column("headline", sa.Text)
      `,
    });
    const users = tables.get('users')!;
    assert.deepEqual([...users.columns.keys()], ['id', 'email', 'nick', 'created']);
    assert.equal(users.columns.get('id')!.nullable, false);
    assert.equal(users.columns.get('email')!.nullable, false);
    assert.equal(users.columns.get('email')!.type!.args.length, 255);
    assert.equal(users.columns.get('nick')!.type!.args.length, 50);
    assert.equal(users.columns.get('nick')!.nullable, true);
    assert.equal(users.columns.get('created')!.serverDefault!.key, 'now');
    assert.deepEqual(users.indexes.map((i) => i.name), ['ix_users_nick']);
    assert.deepEqual(users.uniques.map((u) => u.columns), [['email']]);
    const posts = tables.get('posts')!;
    assert.ok(posts.columns.has('headline'));
    assert.equal(posts.columns.get('author_id')!.type!.family, 'INTEGER', 'a ForeignKey-only column takes the referenced type');
    assert.deepEqual(posts.foreignKeys.map((f) => [f.refTable, f.refColumns, f.ondelete]), [['users', ['id'], 'CASCADE']]);
  });

  it("reads a column under typing.cast, and a unique constraint or index written alone in the class body over the class's columns", async () => {
    const tables = await modelTables({
      'app/models.py': `
        from typing import Any, cast
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Consent(Base):
            __tablename__ = "consent"
            id = sa.Column(sa.Integer, primary_key=True)
            identity_id = sa.Column(sa.String(50))
            data_use = sa.Column(sa.String(50))
            extra: dict[str, Any] = cast(dict[str, Any], sa.Column(sa.JSON, nullable=False))
            sa.UniqueConstraint(identity_id, data_use, name="uix_identity_data_use")
            sa.Index("ix_consent_use", data_use)
            sa.UniqueConstraint("identity_id", name="never_attached")
      `,
    });
    const consent = tables.get('consent')!;
    assert.deepEqual([...consent.columns.keys()], ['id', 'identity_id', 'data_use', 'extra']);
    assert.equal(consent.columns.get('extra')!.nullable, false);
    assert.deepEqual(consent.uniques.map((u) => [u.name, u.columns]), [['uix_identity_data_use', ['identity_id', 'data_use']]]);
    assert.deepEqual(consent.indexes.map((i) => [i.name, i.columns]), [['ix_consent_use', ['data_use']]]);
  });

  it("gives a GeoAlchemy2 spatial column the index GeoAlchemy2 makes for it, unless spatial_index=False", async () => {
    const tables = await modelTables({
      'app/models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        from geoalchemy2 import Geometry, Geography
        Base = declarative_base()
        class Place(Base):
            __tablename__ = "places"
            id = sa.Column(sa.Integer, primary_key=True)
            geom = sa.Column(Geometry(geometry_type="POINT", srid=4326))
            route = sa.Column(Geography("LINESTRING", spatial_index=False))
      `,
    });
    assert.deepEqual(tables.get('places')!.indexes.map((i) => [i.name, i.columns]), [['idx_places_geom', ['geom']]]);
  });

  it("reads a mixin's column bound again in the mapped class (id = BaseMixin.id) as that column (zou)", async () => {
    const tables = await modelTables({
      'app/models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class BaseMixin(object):
            id = sa.Column(sa.Integer, primary_key=True)
        class Entity(Base, BaseMixin):
            __tablename__ = "entity"
            id = BaseMixin.id
            name = sa.Column(sa.String(80), nullable=False)
      `,
    });
    assert.deepEqual([...tables.get('entity')!.columns.keys()], ['id', 'name']);
    assert.deepEqual(tables.get('entity')!.primaryKey, ['id']);
  });

  it('reads model classes defined under a module-level with block, which runs once (mlrun)', async () => {
    const tables = await modelTables({
      'app/models.py': `
        import warnings
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            class User(Base):
                __tablename__ = "users"
                id = sa.Column(sa.Integer, primary_key=True)
            class Post(Base):
                __tablename__ = "posts"
                id = sa.Column(sa.Integer, primary_key=True)
                user_id = sa.Column(sa.ForeignKey(User.id))
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['posts', 'users']);
    assert.deepEqual(tables.get('posts')!.foreignKeys.map((f) => [f.refTable, f.refColumns]), [['users', ['id']]]);
  });

  it('reads 2.0 Mapped annotations: Optional, type_annotation_map, Annotated aliases, mixins', async () => {
    const tables = await modelTables({
      'models.py': `
        import datetime
        from typing import Annotated, Optional
        from sqlalchemy import String, DateTime, ForeignKey
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
        str50 = Annotated[str, mapped_column(String(50))]
        intpk = Annotated[int, mapped_column(primary_key=True)]
        class Base(DeclarativeBase):
            type_annotation_map = {datetime.datetime: DateTime(timezone=True)}
        class TimestampMixin:
            created_at: Mapped[datetime.datetime]
        class Account(TimestampMixin, Base):
            __tablename__ = "accounts"
            id: Mapped[intpk]
            name: Mapped[str50]
            bio: Mapped[Optional[str]]
            nick: Mapped[str | None] = mapped_column(String(40), index=True)
            score: Mapped[int] = mapped_column(nullable=True)
            owner_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
            owner: Mapped["Account"] = relationship()
            children: Mapped[list["Account"]] = relationship()
      `,
    });
    const a = tables.get('accounts')!;
    assert.deepEqual([...a.columns.keys()].sort(), ['bio', 'created_at', 'id', 'name', 'nick', 'owner_id', 'score']);
    assert.equal(a.columns.get('id')!.primaryKey, true);
    assert.equal(a.columns.get('name')!.type!.args.length, 50);
    assert.equal(a.columns.get('name')!.nullable, false);
    assert.equal(a.columns.get('bio')!.nullable, true);
    assert.equal(a.columns.get('nick')!.nullable, true);
    assert.equal(a.columns.get('score')!.nullable, true);
    assert.equal(a.columns.get('created_at')!.type!.args.timezone, true);
    assert.equal(a.columns.get('created_at')!.nullable, false);
  });

  it("takes a key column that Mapped[Optional[X]] annotates as nullable, as SQLAlchemy's scan leaves it, unless nullable= or a PrimaryKeyConstraint says NOT NULL (meltano)", async () => {
    const tables = await modelTables({
      'models.py': `
        from typing import Annotated, Optional
        from sqlalchemy import PrimaryKeyConstraint
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        StrPK = Annotated[str, mapped_column(primary_key=True)]
        class Base(DeclarativeBase):
            pass
        class Setting(Base):
            __tablename__ = "settings"
            name: Mapped[StrPK]
            namespace: Mapped[Optional[StrPK]]
            scope: Mapped[Optional[str]] = mapped_column(primary_key=True)
            level: Mapped[Optional[str]] = mapped_column(primary_key=True, nullable=False)
        class Pair(Base):
            __tablename__ = "pairs"
            __table_args__ = (PrimaryKeyConstraint("left", "right"),)
            left: Mapped[str]
            right: Mapped[Optional[str]]
      `,
    });
    const settings = tables.get('settings')!;
    assert.deepEqual([...settings.columns.values()].map((c) => [c.name, c.primaryKey, c.nullable]), [
      ['name', true, false],
      ['namespace', true, true],
      ['scope', true, true],
      ['level', true, false],
    ]);
    assert.deepEqual([...tables.get('pairs')!.columns.values()].map((c) => [c.name, c.primaryKey, c.nullable]), [
      ['left', true, false],
      ['right', true, false],
    ]);
  });

  it("takes a column that Mapped[Optional[X]] annotates as nullable when the type_annotation_map's key is Optional[X] itself (galaxy)", async () => {
    const tables = await modelTables({
      'models.py': `
        from typing import Dict, Optional, Union
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
        STR_TO_STR = Dict[str, str]
        class Base(DeclarativeBase):
            registry = registry(type_annotation_map={Optional[STR_TO_STR]: sa.JSON, Union[int, None]: sa.BigInteger, STR_TO_STR: sa.Text})
        class Job(Base):
            __tablename__ = "job"
            id: Mapped[int] = mapped_column(primary_key=True)
            overrides: Mapped[Optional[STR_TO_STR]] = mapped_column()
            size: Mapped[Union[int, None]]
            names: Mapped[STR_TO_STR]
      `,
    });
    const job = tables.get('job')!;
    assert.deepEqual(['overrides', 'size', 'names'].map((c) => [job.columns.get(c)!.type?.name, job.columns.get(c)!.nullable]), [['JSON', true], ['BigInteger', true], ['Text', false]]);
  });

  it('maps a class with MappedAsDataclass before its base, and reads a dataclass mixin with the base\'s type_annotation_map (manga)', async () => {
    const tables = await modelTables({
      'models.py': `
        import datetime
        from typing import Optional
        from sqlalchemy import DateTime, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, MappedAsDataclass, mapped_column
        class Base(MappedAsDataclass, DeclarativeBase):
            type_annotation_map = {datetime.datetime: DateTime(timezone=True)}
        class AuditMixin(MappedAsDataclass):
            updated_at: Mapped[Optional[datetime.datetime]]
        class User(MappedAsDataclass, Base, kw_only=True):
            __tablename__ = "user"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)
            name: Mapped[str] = mapped_column(String(40))
        class Author(AuditMixin, Base):
            __tablename__ = "authors"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)
            born_at: Mapped[Optional[datetime.datetime]]
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['authors', 'user']);
    assert.deepEqual([...tables.get('user')!.columns.keys()], ['id', 'name']);
    const authors = tables.get('authors')!;
    assert.deepEqual([...authors.columns.keys()].sort(), ['born_at', 'id', 'updated_at']);
    assert.equal(authors.columns.get('born_at')!.type!.args.timezone, true);
    assert.equal(authors.columns.get('updated_at')!.type!.args.timezone, true);
  });

  it("leaves a column's type unknown where mapped_column's type argument cannot be read, not the annotation's (fief's UrlString(Text))", async () => {
    const tables = await modelTables({
      'url_types.py': `
        from sqlalchemy.types import TypeDecorator
        def UrlString(sa_type):
            class _UrlString(TypeDecorator):
                impl = sa_type
                cache_ok = True
            return _UrlString
      `,
      'models.py': `
        from typing import Annotated
        from sqlalchemy import String, Text
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        from url_types import UrlString
        from settings import settings
        Str30 = Annotated[str, mapped_column(String(30))]
        class Base(DeclarativeBase):
            pass
        class Provider(Base):
            __tablename__ = "providers"
            id: Mapped[int] = mapped_column(primary_key=True)
            endpoint: Mapped[str | None] = mapped_column(UrlString(Text), nullable=True)
            logo: Mapped[str | None] = mapped_column(UrlString(String)(length=512))
            alias: Mapped[Str30] = mapped_column(UrlString(Text))
            plain: Mapped[str] = mapped_column(nullable=False)
            typed: Mapped[str] = mapped_column(UrlString(Text), type_=Text)
            named: Mapped[str] = mapped_column(settings.NAMED_COLUMN, String(12))
      `,
    });
    const columns = tables.get('providers')!.columns;
    const types = Object.fromEntries([...columns].map(([name, c]) => [name, c.type?.family]));
    // A name it cannot read (a column name from settings) does not hide the type that follows it.
    assert.deepEqual(types, { id: 'INTEGER', endpoint: undefined, logo: undefined, alias: undefined, plain: 'VARCHAR', typed: 'TEXT', named: 'VARCHAR' });
    assert.deepEqual([columns.get('endpoint')!.nullable, columns.get('logo')!.nullable], [true, true]);
  });

  it('keeps a column whose annotation names a type it cannot read, its type unknown, as SQLAlchemy and SQLModel map it (remnashop)', async () => {
    const tables = await modelTables({
      'models.py': `
        import ipaddress
        from pathlib import Path
        from typing import ClassVar, Optional
        from remnapy.enums import TrafficLimitStrategy
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        from sqlmodel import Field, SQLModel
        class Base(DeclarativeBase):
            pass
        class Subscription(Base):
            __tablename__ = "subscriptions"
            id: Mapped[int] = mapped_column(primary_key=True)
            strategy: Mapped[TrafficLimitStrategy]
            note: Mapped[Optional[TrafficLimitStrategy]]
        class Host(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            ip: ipaddress.IPv4Address
            path: Path | None = None
            kind: ClassVar[str] = "host"
            _cache: dict | None = None
      `,
    });
    const sub = tables.get('subscriptions')!;
    assert.deepEqual([...sub.columns.keys()], ['id', 'strategy', 'note']);
    assert.deepEqual([sub.columns.get('strategy')!.type, sub.columns.get('strategy')!.nullable, sub.columns.get('note')!.nullable], [undefined, false, true]);
    const host = tables.get('host')!;
    assert.deepEqual([...host.columns.keys()], ['id', 'ip', 'path']);
    assert.deepEqual([host.columns.get('ip')!.nullable, host.columns.get('path')!.nullable], [false, true]);
  });

  it('finds a name through any of several `from x import *` of a module, the last first (pybossa)', async () => {
    const tables = await modelTables({
      'app/__init__.py': '',
      'app/extensions.py': `
        from flask_sqlalchemy import SQLAlchemy
        __all__ = ["db"]
        db = SQLAlchemy()
      `,
      'app/messages.py': `
        __all__ = ["Message"]
        class Message:
            pass
      `,
      'app/core.py': `
        from app.extensions import *
        from app.messages import *
        from flask import *
      `,
      'app/models.py': `
        from app.core import db
        class Post(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            body = db.Column(db.Text)
      `,
    });
    assert.deepEqual([...tables.get('post')!.columns.keys()], ['id', 'body']);
  });

  it('reads a column declared twice in one class body as its last declaration, in the place of its first (paios)', async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlmodel import Field, SQLModel
        class User(SQLModel, table=True):
            id: str = Field(primary_key=True)
            webauthn_user_id: str = Field(unique=True)
            email: str
            webauthn_user_id: str | None = Field(default=None)
      `,
    });
    const user = tables.get('user')!;
    assert.deepEqual([...user.columns.keys()], ['id', 'webauthn_user_id', 'email']);
    assert.equal(user.columns.get('webauthn_user_id')!.nullable, true);
    assert.deepEqual(user.uniques, []);
  });

  it("lets a class's own attribute win over a base's or mixin's column of the same name, as Python's lookup does", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        class Base(DeclarativeBase):
            id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
        class NoteMixin:
            note: Mapped[str | None] = mapped_column(sa.Text)
            legacy: Mapped[str | None] = mapped_column(sa.Text)
        class Tag(NoteMixin, Base):
            __tablename__ = "tags"
            id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
            note: Mapped[str] = mapped_column(sa.String(10))
            legacy = None
        class Activation(Base):
            __tablename__ = "activations"
            org_id: Mapped[int] = mapped_column(primary_key=True)
            id: Mapped[int] = mapped_column(server_default=sa.text("1"))
      `,
    });
    const tags = tables.get('tags')!;
    assert.equal(tags.columns.get('id')!.type!.family, 'VARCHAR');
    assert.equal(tags.columns.get('note')!.type!.args.length, 10);
    assert.equal(tags.columns.get('note')!.nullable, false);
    assert.ok(!tags.columns.has('legacy'), 'an attribute bound to something else hides the mixin column');
    assert.deepEqual(tags.primaryKey, ['id']);
    const activations = tables.get('activations')!;
    assert.deepEqual(activations.primaryKey, ['org_id'], "the subclass's id is no primary key");
    assert.equal(activations.columns.get('id')!.primaryKey, false);
  });

  it('names Flask-SQLAlchemy tables in snake_case and maps single-table inheritance onto the parent', async () => {
    const tables = await modelTables({
      'app/extensions.py': `
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
      `,
      'app/models.py': `
        from app.extensions import db
        class UserProfile(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            kind = db.Column(db.String(20))
        class AdminProfile(UserProfile):
            level = db.Column(db.Integer)
        class HTTPRequest(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        class OAuth2Token(db.Model):
            id = db.Column(db.Integer, primary_key=True)
        class Item_Type(db.Model):
            id = db.Column(db.Integer, primary_key=True)
      `,
    });
    // Flask-SQLAlchemy keeps the underscore it adds before `Type` beside the one written: "item__type".
    assert.deepEqual([...tables.keys()].sort(), ['http_request', 'item__type', 'o_auth2_token', 'user_profile']);
    assert.ok(tables.get('user_profile')!.columns.has('level'));
  });

  it('reads SQLModel tables with Field(...)', async () => {
    const tables = await modelTables({
      'models.py': `
        from typing import Optional
        from sqlmodel import Field, SQLModel
        class HeroBase(SQLModel):
            name: str = Field(index=True, max_length=100)
            age: Optional[int] = None
        class Hero(HeroBase, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            team_id: Optional[int] = Field(default=None, foreign_key="team.id")
      `,
    });
    const hero = tables.get('hero')!;
    assert.deepEqual([...hero.columns.keys()].sort(), ['age', 'id', 'name', 'team_id']);
    assert.equal(hero.columns.get('name')!.type!.args.length, 100);
    assert.equal(hero.columns.get('name')!.nullable, false);
    assert.equal(hero.columns.get('age')!.nullable, true);
    assert.equal(hero.columns.get('id')!.nullable, false);
    assert.deepEqual(hero.indexes.map((i) => i.name), ['ix_hero_name']);
  });

  it("maps a SQLModel field whose default is pydantic's Field or a library's call by its annotation, as SQLModel does (zenml)", async () => {
    const tables = await modelTables({
      'models.py': `
        from datetime import datetime
        from typing import Optional
        from pydantic import Field as PydanticField
        from sqlmodel import Field, Relationship, SQLModel
        class Source(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            flavor: str = PydanticField(nullable=True)
            created: datetime = datetime.utcnow()
            note: Optional[str] = PydanticField(default=None, max_length=5)
            owner: Optional["Owner"] = Relationship(back_populates="sources")
            tags: list["Tag"] = default_relationship(back_populates="source")
        def default_relationship(**kwargs):
            return Relationship(sa_relationship_kwargs={"lazy": "selectin"}, **kwargs)
      `,
    });
    const source = tables.get('source')!;
    assert.deepEqual([...source.columns.keys()], ['id', 'flavor', 'created', 'note']);
    // pydantic's Field has no nullable of SQLModel's: the annotation decides.
    assert.deepEqual(['flavor', 'created', 'note'].map((c) => source.columns.get(c)!.nullable), [false, false, true]);
  });

  it("sizes a SQLModel Decimal by max_digits and decimal_places, and applies sa_column_kwargs over the Field's own", async () => {
    const tables = await modelTables({
      'models.py': `
        from decimal import Decimal
        from typing import Optional
        from sqlmodel import Field, SQLModel
        class Item(SQLModel, table=True):
            id: Optional[int] = Field(default=None, primary_key=True)
            price: Decimal = Field(max_digits=12, decimal_places=2)
            code: str = Field(max_length=20, sa_column_kwargs={"unique": True})
            sku: str = Field(sa_column_kwargs=dict(index=True, nullable=True))
      `,
    });
    const item = tables.get('item')!;
    assert.deepEqual(item.columns.get('price')!.type!.args, { precision: 12, scale: 2 });
    assert.deepEqual(item.uniques.map((u) => u.columns), [['code']]);
    assert.deepEqual([item.indexes.map((i) => i.name), item.columns.get('sku')!.nullable], [['ix_item_sku'], true]);
  });

  it('reads Core tables, __table__, __table_args__ with a schema, declared_attr names and naming conventions', async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base, declared_attr
        metadata = sa.MetaData(naming_convention={"ix": "ix_%(table_name)s_%(column_0_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s"})
        Base = declarative_base(metadata=metadata)
        tags = sa.Table("post_tags", Base.metadata, sa.Column("post_id", sa.Integer, sa.ForeignKey("posts.id"), primary_key=True))
        class NameMixin:
            @declared_attr
            def __tablename__(cls):
                return cls.__name__.lower() + "s"
        class Post(NameMixin, Base):
            __table_args__ = (sa.UniqueConstraint("slug"), sa.Index("ix_custom", "title"), {"schema": "blog"})
            id = sa.Column(sa.Integer, primary_key=True)
            slug = sa.Column(sa.String(80), unique=True, index=True)
            title = sa.Column(sa.String(80))
        class Legacy(Base):
            __table__ = sa.Table("legacy", Base.metadata, sa.Column("id", sa.Integer, primary_key=True))
        class Tagged(Base):
            __table__ = tags
        def _summary():
            return sa.select(Post.id, Post.title).alias("post_summary")
        class PostSummary(Base):
            __table__ = _summary()
      `,
    });
    // A class mapped to a Table of its module, or to a query (storyboard's StorySummary), makes no table of its own.
    assert.deepEqual([...tables.keys()].sort(), ['blog.posts', 'legacy', 'post_tags']);
    const posts = tables.get('blog.posts')!;
    assert.deepEqual(posts.indexes.map((i) => i.name).sort(), ['ix_custom', 'ix_posts_slug']);
    assert.equal(posts.indexes.find((i) => i.name === 'ix_posts_slug')!.unique, true);
    assert.deepEqual(tables.get('post_tags')!.foreignKeys.map((f) => f.refTable), ['posts']);
  });

  it("takes a declared_attr column's nullability and type from its -> Mapped[...] return annotation", async () => {
    const tables = await modelTables({
      'models.py': `
        from typing import Optional
        from sqlalchemy import BigInteger, Column, ForeignKey, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
        class Base(DeclarativeBase):
            pass
        class HasOwner:
            @declared_attr
            def owner_id(cls) -> Mapped[int]:
                return mapped_column(ForeignKey("owners.id"))
            @declared_attr
            def note(cls) -> Mapped[Optional[str]]:
                return mapped_column(String(40))
            @declared_attr
            def code(cls) -> Mapped[str]:
                return mapped_column(String(8), nullable=True)
            @declared_attr
            def team_id(cls) -> Mapped[int]:
                return Column(ForeignKey("teams.id"))
        class Team(Base):
            __tablename__ = "teams"
            id = Column(BigInteger, primary_key=True)
        class Asset(HasOwner, Base):
            __tablename__ = "assets"
            id: Mapped[int] = mapped_column(primary_key=True)
      `,
    });
    const assets = tables.get('assets')!;
    // A classic Column is used as it is: its type comes from the key's target, its nullability is Column's default.
    assert.equal(assets.columns.get('team_id')!.type!.family, 'BIGINT');
    assert.equal(assets.columns.get('team_id')!.nullable, true);
    assert.equal(assets.columns.get('owner_id')!.nullable, false);
    assert.equal(assets.columns.get('note')!.nullable, true);
    assert.equal(assets.columns.get('code')!.nullable, true);
    assert.deepEqual(assets.foreignKeys.map((f) => f.refTable).sort(), ['owners', 'teams']);
  });

  it("maps a Python enum through type_annotation_map's enum.Enum entry, with its values_callable, native_enum and length (warehouse)", async () => {
    const tables = await modelTables({
      'models.py': `
        import enum
        import sqlalchemy
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        class Base(DeclarativeBase):
            type_annotation_map = {enum.Enum: sqlalchemy.Enum(enum.Enum, values_callable=lambda x: [e.value for e in x])}
        class Other(DeclarativeBase):
            type_annotation_map = {enum.Enum: sqlalchemy.Enum(enum.Enum, native_enum=False, length=20)}
        class Reason(str, enum.Enum):
            Flashed = "flashed"
            QuarantineEnter = "quarantine-enter"
        class Labelled(enum.Enum):
            Active = "active", "Active"
        class Ban(Base):
            __tablename__ = "bans"
            id: Mapped[int] = mapped_column(primary_key=True)
            reason: Mapped[Reason]
            labelled: Mapped[Labelled]
        class Plain(Other):
            __tablename__ = "plain"
            id: Mapped[int] = mapped_column(primary_key=True)
            reason: Mapped[Reason]
      `,
    });
    const reason = tables.get('bans')!.columns.get('reason')!.type!;
    assert.deepEqual([reason.family, reason.enumValues, reason.enumName], ['ENUM', ['flashed', 'quarantine-enter'], 'reason']);
    // Messages and the audit show it as SQLAlchemy makes it of the annotation (conda-store's `Mapped[BuildStatus]`).
    assert.equal(reason.text, 'sa.Enum(Reason)');
    const labelled = tables.get('bans')!.columns.get('labelled')!.type!;
    assert.deepEqual([labelled.family, labelled.enumValues], ['ENUM', undefined], 'values a tuple gives are not guessed');
    const plain = tables.get('plain')!.columns.get('reason')!.type!;
    assert.deepEqual([plain.enumValues, plain.args.native_enum, plain.args.length], [['Flashed', 'QuarantineEnter'], false, 20]);
  });

  it('reads enum values listed from a Python enum: a classmethod over __members__, a comprehension over the class (MerginMaps)', async () => {
    const tables = await modelTables({
      'models.py': `
        from enum import Enum
        import sqlalchemy as sa
        from sqlalchemy.dialects.postgresql import ENUM
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        STATUSES = {"todo": "Todo", "merged": "Merged"}
        class Change(Enum):
            CREATE = "create"
            UPDATE = "update"
            @classmethod
            def values(cls):
                return [member.value for member in cls.__members__.values()]
        class Role(Enum):
            READER = "reader"
            WRITER = "writer"
            VIEWER = "reader"
        class Item(Base):
            __tablename__ = "item"
            id = sa.Column(sa.Integer, primary_key=True)
            change = sa.Column(ENUM(*Change.values(), name="change"))
            role = sa.Column(ENUM(*[m.value for m in Role], name="role"))
            aliased = sa.Column(ENUM(*[m.value for m in Role.__members__.values()], name="aliased"))
            names = sa.Column(sa.Enum(*[n for n in Role.__members__], name="names"))
            pairs = sa.Column(sa.Enum(*[m.name for n, m in Role.__members__.items() if n != "VIEWER"], name="pairs"))
            keyed = sa.Column(sa.Enum(*STATUSES.keys(), name="keyed"))
      `,
    });
    const values = (c: string): string[] | undefined => tables.get('item')!.columns.get(c)!.type!.enumValues;
    assert.deepEqual(values('change'), ['create', 'update']);
    assert.deepEqual(values('role'), ['reader', 'writer'], 'iterating the class skips an alias');
    assert.deepEqual(values('aliased'), ['reader', 'writer', 'reader'], '__members__ keeps it');
    assert.deepEqual(values('names'), ['READER', 'WRITER', 'VIEWER']);
    assert.deepEqual(values('pairs'), ['READER', 'WRITER']);
    // A dict's keys (storyboard's `Enum(*TASK_STATUSES.keys())`).
    assert.deepEqual(values('keyed'), ['todo', 'merged']);
  });

  it("reads an enum alias written as another member's name, and a member whose value iterates its own class, without looping (review)", async () => {
    const tables = await modelTables({
      'models.py': `
        import enum
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Priority(enum.Enum):
            LOW = 1
            MEDIUM = 2
            DEFAULT = MEDIUM
        class Role(enum.Enum):
            READER = "reader"
            ALL = [m.value for m in Role]
        class Task(Base):
            __tablename__ = "task"
            id = sa.Column(sa.Integer, primary_key=True)
            priority = sa.Column(sa.Enum(*[p.name for p in Priority], name="priority"))
            named = sa.Column(sa.Enum(*[p.name for p in Priority.__members__.values()], name="named"))
            role = sa.Column(sa.Enum(*[m.value for m in Role], name="role"))
            called = sa.Column(sa.Enum(Role, name="called", values_callable=lambda e: [m.value for m in e]))
            level = sa.Column(sa.String(10), server_default=Priority.DEFAULT.name)
      `,
    });
    const values = (c: string): string[] | undefined => tables.get('task')!.columns.get(c)!.type!.enumValues;
    assert.deepEqual(values('priority'), ['LOW', 'MEDIUM']);
    // An alias's member is the one it names, with that one's name.
    assert.deepEqual(values('named'), ['LOW', 'MEDIUM', 'MEDIUM']);
    assert.deepEqual([values('role'), values('called')], [undefined, undefined]);
    assert.match(JSON.stringify(tables.get('task')!.columns.get('level')!.serverDefault), /MEDIUM/);
  });

  it("reads a non-native Enum's length", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Ticket(Base):
            __tablename__ = "tickets"
            id = sa.Column(sa.Integer, primary_key=True)
            state = sa.Column(sa.Enum("new", "done", native_enum=False, length=20))
      `,
    });
    assert.deepEqual(tables.get('tickets')!.columns.get('state')!.type!.args, { native_enum: false, length: 20 });
  });

  it('looks generic annotations up in type_annotation_map with their parameters (dict[str, Any]: JSON)', async () => {
    const tables = await modelTables({
      'models.py': `
        from typing import Any, Dict, Optional
        from sqlalchemy import JSON, String
        from sqlalchemy.dialects.postgresql import ARRAY
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
        class Base(DeclarativeBase):
            type_annotation_map = {dict[str, Any]: JSON, list[str]: ARRAY(String)}
        class Document(Base):
            __tablename__ = "documents"
            id: Mapped[int] = mapped_column(primary_key=True)
            body: Mapped[dict[str, Any]]
            extra: Mapped[Optional[dict[str, Any]]] = mapped_column()
            tags: Mapped[list[str]]
            other: Mapped[Dict[str, Any]] = mapped_column(JSON)
            pages: Mapped[list["Page"]] = relationship()
      `,
    });
    const docs = tables.get('documents')!;
    assert.deepEqual([...docs.columns.keys()], ['id', 'body', 'extra', 'tags', 'other']);
    assert.equal(docs.columns.get('body')!.type!.family, 'JSON');
    assert.equal(docs.columns.get('body')!.nullable, false);
    assert.equal(docs.columns.get('extra')!.type!.family, 'JSON');
    assert.equal(docs.columns.get('extra')!.nullable, true);
    assert.equal(docs.columns.get('tags')!.type!.family, 'ARRAY');
  });

  it('gives joined inheritance its own table and ignores abstract bases and relationships', async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, Integer, String, ForeignKey
        from sqlalchemy.orm import declarative_base, relationship
        Base = declarative_base()
        class Common(Base):
            __abstract__ = True
            id = Column(Integer, primary_key=True)
        class Employee(Common):
            __tablename__ = "employee"
            name = Column(String(50))
            items = relationship("Item")
        class Engineer(Employee):
            __tablename__ = "engineer"
            id = Column(Integer, ForeignKey("employee.id"), primary_key=True)
            skill = Column(String(30))
        class Manager(Employee):
            rank = Column(String(10))
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['employee', 'engineer']);
    assert.deepEqual([...tables.get('engineer')!.columns.keys()], ['id', 'skill']);
    assert.deepEqual([...tables.get('employee')!.columns.keys()].sort(), ['id', 'name', 'rank']);
  });
});

describe('models -> schema: module-level indexes', () => {
  it('attaches Index(...) calls on table.c columns and model attributes to their tables', async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        roles_users = Table("roles_users", Base.metadata, Column("user_id", Integer, ForeignKey("users.id")), Column("role_id", Integer))
        Index("roles_users_ix", roles_users.c.user_id, roles_users.c.role_id, unique=True)
        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            email = Column(String(100))
        Index("ix_users_lower_email", User.email)
        Index("idx_users_id_email", User.__table__.c.id, User.__table__.c.email)
      `,
    });
    assert.deepEqual(tables.get('roles_users')!.indexes.map((i) => [i.name, i.columns, i.unique]), [['roles_users_ix', ['user_id', 'role_id'], true]]);
    assert.deepEqual(tables.get('users')!.indexes.map((i) => [i.name, i.columns]), [['ix_users_lower_email', ['email']], ['idx_users_id_email', ['id', 'email']]]);
  });

  it("attaches an Index on a class's tuple of its columns, unpacked (koschei's `*Dependency.nevra`)", async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, Index, Integer, String
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Dependency(Base):
            __tablename__ = "dependency"
            id = Column(Integer, primary_key=True)
            name = Column(String, nullable=False)
            arch_ = Column("arch", String, nullable=False)
            nevra = (name, arch_)
        Index("ix_dependency_composite", *Dependency.nevra, unique=True)
      `,
    });
    assert.deepEqual(tables.get('dependency')!.indexes.map((i) => [i.name, i.columns, i.unique]), [['ix_dependency_composite', ['name', 'arch'], true]]);
    // A tuple of names imported from elsewhere names no column of the class: nothing is attached.
    const imported = await modelTables({
      'models.py': `
        from sqlalchemy import Column, Index, Integer, String
        from sqlalchemy.orm import declarative_base
        from elsewhere import TENANT_COLUMN
        Base = declarative_base()
        class Thing(Base):
            __tablename__ = "things"
            id = Column(Integer, primary_key=True)
            name = Column(String)
            key = (TENANT_COLUMN, name)
        Index("ix_things_key", *Thing.key)
      `,
    });
    assert.deepEqual(imported.get('things')!.indexes, []);
  });

  it("attaches a module-level UniqueConstraint on model attributes, not one in a class body given names (mistral's NamedLock)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class NamedLock(Base):
            __tablename__ = "named_locks"
            sa.UniqueConstraint("name")
            id = sa.Column(sa.Integer, primary_key=True)
            name = sa.Column(sa.String(255))
            owner = sa.Column(sa.String(255))
        sa.UniqueConstraint(NamedLock.name, NamedLock.owner, name="uq_named_locks_name_owner")
      `,
    });
    assert.deepEqual(tables.get('named_locks')!.uniques.map((u) => [u.name, u.columns]), [['uq_named_locks_name_owner', ['name', 'owner']]]);
  });
});

describe('models -> schema: a declarative base returned by a function', () => {
  it("maps the classes of BASE = get_base(), a function that returns the base (mirrormanager2's sqlalchemy-helpers)", async () => {
    const tables = await modelTables({
      'db.py': `
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        def get_base(*args, **kwargs):
            return Base
        BASE = get_base()
      `,
      'models.py': `
        import sqlalchemy as sa
        from .db import BASE
        class Site(BASE):
            __tablename__ = "site"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()], ['site']);
  });

  it("maps the classes of a base a function makes and returns (cloudkitty's get_base)", async () => {
    const tables = await modelTables({
      'db.py': `
        from sqlalchemy.orm import declarative_base
        def get_base():
            base = declarative_base()
            base.metadata.naming_convention = {"pk": "pk_%(table_name)s"}
            return base
      `,
      'models.py': `
        import sqlalchemy as sa
        from . import db
        Base = db.get_base()
        class Mapping(Base):
            __tablename__ = "hashmap_mappings"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()], ['hashmap_mappings']);
  });
});

describe('models -> schema: columns assigned to a mapped class after its body', () => {
  it("adds them to the class's table, with their keys, in this file or another, and indexes on them (mistral)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base, relationship
        Base = declarative_base()
        class Task(Base):
            __tablename__ = "tasks"
            id = sa.Column(sa.String(36), primary_key=True)
        class Action(Base):
            __tablename__ = "actions"
            id = sa.Column(sa.String(36), primary_key=True)
        Action.task_id = sa.Column(sa.String(36), sa.ForeignKey(Task.id, ondelete="CASCADE"), nullable=False)
        Action.task = relationship(Task)
        Action.label = "not a column"
        sa.Index("actions_task_id", Action.task_id)
        sa.Index("actions_unattached", "task_id")
      `,
      'extra.py': `
        import sqlalchemy as sa
        from . import models
        from .models import Task
        Task.parent_id = sa.Column("parent", sa.String(36))
        # neutron's l3_gwmode_db.py: the same through setattr().
        setattr(models.Action, "enable_snat", sa.Column(sa.Boolean, nullable=False))
        setattr(models.Action, "note", "not a column")
      `,
    });
    const actions = tables.get('actions')!;
    assert.deepEqual([...actions.columns.values()].map((c) => [c.name, c.nullable]), [['id', false], ['task_id', false], ['enable_snat', false]]);
    assert.deepEqual(actions.foreignKeys.map((f) => [f.columns, f.refTable, f.refColumns, f.ondelete]), [[['task_id'], 'tasks', ['id'], 'CASCADE']]);
    assert.deepEqual(actions.indexes.map((i) => [i.name, i.columns]), [['actions_task_id', ['task_id']]]);
    assert.deepEqual([...tables.get('tasks')!.columns.keys()], ['id', 'parent']);
  });
});

describe('models -> schema: Core tables a module-level loop makes', () => {
  it('reads one table per item of a literal sequence, with the loop variables bound (jupyterhub role maps)', async () => {
    const tables = await modelTables({
      'orm.py': `
        import sqlalchemy as sa
        from sqlalchemy import Column, ForeignKey, Table
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        ENTITIES = ("user", "group")
        for entity in ENTITIES:
            table = Table(
                f"{entity}_role_map",
                Base.metadata,
                Column(f"{entity}_id", ForeignKey(f"{entity}s.id", ondelete="CASCADE"), primary_key=True),
                Column("managed", sa.Boolean, nullable=False),
            )
        for name, width in [("tags", 40), ("labels", 80)]:
            Table(name, Base.metadata, Column("id", sa.Integer, primary_key=True), Column("text", sa.String(width)))
        for unknown in load_entities():
            Table(f"{unknown}_x", Base.metadata, Column("id", sa.Integer, primary_key=True))
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['group_role_map', 'labels', 'tags', 'user_role_map']);
    assert.deepEqual([...tables.get('group_role_map')!.columns.keys()], ['group_id', 'managed']);
    assert.deepEqual(tables.get('user_role_map')!.primaryKey, ['user_id']);
    assert.equal(tables.get('labels')!.columns.get('text')!.type?.args.length, 80);
  });
});

describe('models -> schema: computed table names', () => {
  it('evaluates a declared_attr __tablename__ that splits the class name with re and joins a comprehension', async () => {
    const tables = await modelTables({
      'db.py': `
        import re
        from sqlalchemy.orm import DeclarativeBase, declared_attr
        def resolve_table_name(name):
            names = re.split("(?=[A-Z])", name)
            return "_".join([x.lower() for x in names if x])
        class Base(DeclarativeBase):
            @declared_attr.directive
            def __tablename__(cls):
                return resolve_table_name(cls.__name__)
      `,
      'models.py': `
        from sqlalchemy import Column, Integer
        from db import Base
        class IncidentCostType(Base):
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()], ['incident_cost_type']);
  });

  it("evaluates re.sub with a lambda replacement and a slice of its result (koschei's __tablename__)", async () => {
    const tables = await modelTables({
      'db.py': `
        import re
        from sqlalchemy.ext.declarative import declarative_base, declared_attr
        class Base(object):
            @declared_attr
            def __tablename__(cls):
                return re.sub(r'([A-Z]+)', lambda s: '_' + s.group(0).lower(), cls.__name__)[1:]
        Base = declarative_base(cls=Base)
      `,
      'models.py': `
        from sqlalchemy import Column, Integer
        from db import Base
        class CoprRebuildRequest(Base):
            id = Column(Integer, primary_key=True)
        class SRPM(Base):
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()], ['copr_rebuild_request', 'srpm']);
  });

  it("evaluates a __tablename__ built by the class's own class methods from attributes its subclasses set (nyaa's flavours)", async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, ForeignKey, Integer
        from sqlalchemy.orm import declarative_base, declared_attr
        Base = declarative_base()
        class Flavored:
            __base_name__ = None
            __flavor__ = None
            @classmethod
            def _prefix(cls, sep="_"):
                return cls.__flavor__.lower() + sep
            @classmethod
            def _prefixed(cls, name):
                return cls._prefix() + name
            @staticmethod
            def _plural(name):
                return name + "s"
            @declared_attr
            def __tablename__(cls):
                return cls._prefixed(name=cls._plural(cls.__base_name__))
        class CategoryBase(Flavored):
            __base_name__ = "category"
            id = Column(Integer, primary_key=True)
        class PostBase(Flavored):
            __base_name__ = "post"
            id = Column(Integer, primary_key=True)
            @declared_attr
            def category_id(cls):
                fk = ForeignKey(cls._prefixed("categorys.id"), ondelete="CASCADE")
                return Column(Integer, fk, nullable=False)
        class BlueCategory(CategoryBase, Base):
            __flavor__ = "Blue"
        class BluePost(PostBase, Base):
            __flavor__ = "Blue"
        class GreenPost(PostBase, Base):
            __flavor__ = "Green"
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['blue_categorys', 'blue_posts', 'green_posts']);
    const fks = (name: string) => tables.get(name)!.foreignKeys.map((f) => [f.columns, f.refTable, f.ondelete]);
    assert.deepEqual(fks('blue_posts'), [[['category_id'], 'blue_categorys', 'CASCADE']]);
    assert.deepEqual(fks('green_posts'), [[['category_id'], 'green_categorys', 'CASCADE']]);
  });

  it("evaluates a __tablename__ that imports its helper inside the function and formats its name, with Python's \\A in the pattern (Kotti)", async () => {
    const tables = await modelTables({
      'app/util.py': `
        import re
        def camel_case_to_name(text):
            \"\"\"FooBar -> foo_bar\"\"\"
            return re.sub(r"((?<=[a-z])[A-Z]|(?<!\\A)[A-Z](?=[a-z]))", r"_\\1", text).lower()
      `,
      'app/sqla.py': `
        from sqlalchemy.orm import declared_attr
        class Base:
            @declared_attr
            def __tablename__(cls):
                from app.util import camel_case_to_name
                return "{}s".format(camel_case_to_name(cls.__name__))
      `,
      'app/models.py': `
        from sqlalchemy import Column, Integer
        from sqlalchemy.ext.declarative import declarative_base
        from app.sqla import Base as AppBase
        Base = declarative_base(cls=AppBase)
        class TXTFile(Base):
            id = Column(Integer, primary_key=True)
        class LocalGroup(Base):
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['local_groups', 'txt_files']);
  });

  it('still takes a class method named for snake case it cannot follow as snake case', async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base, declared_attr
        class Named:
            @classmethod
            def _camel_to_snake(cls, name):
                out = ""
                for ch in name:
                    out += ch
                return out
            @declared_attr
            def __tablename__(cls):
                return cls._camel_to_snake(cls.__name__)
        Base = declarative_base(cls=Named)
        class TaskRun(Base):
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()], ['task_run']);
  });

  it('reads the columns a composite() declares by name, and not again those it takes from the class (fastapi-boilerplate)', async () => {
    const tables = await modelTables({
      'models.py': `
        from dataclasses import dataclass
        from sqlalchemy import Column, Float, Integer
        from sqlalchemy.orm import DeclarativeBase, Mapped, composite, mapped_column
        @dataclass
        class Point:
            x: float
            y: float
        class Base(DeclarativeBase):
            pass
        class Place(Base):
            __tablename__ = "place"
            id: Mapped[int] = mapped_column(primary_key=True)
            location: Mapped[Point] = composite(mapped_column("lat", Float), mapped_column("lng"))
            x1 = Column(Integer)
            y1 = Column(Integer)
            start = composite(Point, x1, y1)
      `,
    });
    const columns = tables.get('place')!.columns;
    assert.deepEqual([...columns.keys()], ['id', 'lat', 'lng', 'x1', 'y1']);
    assert.equal(columns.get('lat')!.type!.family, 'FLOAT');
  });

  it("reads SQLAlchemy-Utils' @aggregated column, named after its method (open-event-server)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        from sqlalchemy_utils import aggregates
        Base = declarative_base()
        class Session(Base):
            __tablename__ = "sessions"
            id = sa.Column(sa.Integer, primary_key=True)
            @aggregates.aggregated("feedbacks", sa.Column(sa.Float, server_default="0", nullable=False))
            def average_rating(self):
                return sa.func.avg(Feedback.rating)
            @property
            def rating_label(self):
                return str(self.average_rating)
      `,
    });
    const columns = tables.get('sessions')!.columns;
    assert.deepEqual([...columns.keys()], ['id', 'average_rating']);
    assert.equal(columns.get('average_rating')!.nullable, false);
    assert.equal(columns.get('average_rating')!.type!.family, 'FLOAT');
  });

  it('evaluates the sub() of a compiled pattern on the class name', async () => {
    const tables = await modelTables({
      'db.py': `
        import re
        from sqlalchemy.orm import DeclarativeBase, declared_attr
        CAMEL: re.Pattern[str] = re.compile(r"(?<!^)(?=[A-Z])")
        class Base(DeclarativeBase):
            @declared_attr.directive
            def __tablename__(cls) -> str:
                return CAMEL.sub("_", cls.__name__).lower()
      `,
      'models.py': `
        from sqlalchemy import Column, Integer
        from db import Base
        class FlowRunState(Base):
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()], ['flow_run_state']);
  });

  it('evaluates has_inherited_table(cls) for the class named: None for a class whose parent has a table', async () => {
    const resolver = await resolverFor({
      'db.py': `
        from sqlalchemy.orm import declared_attr, has_inherited_table
        class Tablename:
            @declared_attr.directive
            def __tablename__(cls):
                if has_inherited_table(cls):
                    return None
                elif cls.__name__.startswith("Archived"):
                    return "archive"
                return cls.__name__.lower()
      `,
    });
    const holder = resolver.moduleBody('db.py').find((st) => st.k === 'class');
    const fn = holder?.k === 'class' ? holder.body.find((st) => st.k === 'def') : undefined;
    assert.ok(fn?.k === 'def');
    assert.equal(computedTableName(resolver, 'db.py', fn, { name: 'Manager', hasInheritedTable: true }), null);
    assert.equal(computedTableName(resolver, 'db.py', fn, { name: 'Employee', hasInheritedTable: false }), undefined, 'startswith() is not evaluated');
  });

  it("follows SQLAlchemy's documented has_inherited_table() guard: a subclass without a table of its own joins its parent's", async () => {
    const tables = await modelTables({
      'models.py': `
        from typing import Optional
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, has_inherited_table, mapped_column
        class Base(DeclarativeBase):
            pass
        class Tablename:
            @declared_attr.directive
            def __tablename__(cls) -> Optional[str]:
                if has_inherited_table(cls):
                    return None
                return cls.__name__.lower()
        class Employee(Tablename, Base):
            id: Mapped[int] = mapped_column(primary_key=True)
            type: Mapped[str] = mapped_column(String(20))
            __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}
        class Manager(Employee):
            budget: Mapped[Optional[int]]
            __mapper_args__ = {"polymorphic_identity": "manager"}
        class Engineer(Employee):
            language: Mapped[Optional[str]] = mapped_column(String(30))
      `,
    });
    assert.deepEqual([...tables.keys()], ['employee']);
    assert.deepEqual([...tables.get('employee')!.columns.keys()], ['id', 'type', 'budget', 'language']);
    assert.equal(tables.get('employee')!.columns.get('budget')!.nullable, true);
  });

  it("runs a mapped parent's declared_attr __tablename__ again for a subclass with a key of its own: joined tables (Kotti)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.ext.declarative import declared_attr
        from sqlalchemy.orm import declarative_base
        class KottiBase:
            @declared_attr
            def __tablename__(cls):
                return cls.__name__.lower() + "s"
        Base = declarative_base(cls=KottiBase)
        class Node(Base):
            __mapper_args__ = dict(polymorphic_on="type", polymorphic_identity="node")
            id = sa.Column(sa.Integer(), primary_key=True)
            type = sa.Column(sa.String(30), nullable=False)
        class Content(Node):
            __mapper_args__ = dict(polymorphic_identity="content")
            id = sa.Column(sa.ForeignKey(Node.id), primary_key=True)
            description = sa.Column(sa.UnicodeText())
        class Event(Content):
            __mapper_args__ = dict(polymorphic_identity="event")
            location = sa.Column(sa.UnicodeText())
      `,
    });
    assert.deepEqual([...tables.keys()], ['nodes', 'contents']);
    assert.deepEqual([...tables.get('contents')!.columns.keys()], ['id', 'description', 'location'], 'a subclass without a key of its own joins its parent');
  });
});

describe('models -> schema: names as the class body sees them', () => {
  it('resolves a name used in a class body to the binding in force at that line, not a later class of the same name', async () => {
    const tables = await modelTables({
      'service.py': `
        from sqlalchemy import Column, Integer
        from base import Base
        class Service(Base):
            __tablename__ = "service"
            id = Column(Integer, primary_key=True)
      `,
      'base.py': `
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
      `,
      'signal.py': `
        from sqlalchemy import Column, ForeignKey, Integer
        from base import Base
        from service import Service
        class Signal(Base):
            __tablename__ = "signal"
            id = Column(Integer, primary_key=True)
            service_id = Column(Integer, ForeignKey(Service.id))
        class Service:
            pass
      `,
    });
    assert.deepEqual(tables.get('signal')!.foreignKeys.map((f) => f.refTable), ['service']);
  });
});

describe('models -> schema: patterns of larger projects', () => {
  it('reads a ForeignKeyConstraint whose local columns are the class body’s own Column objects', async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, ForeignKeyConstraint, Integer, String
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class DagRun(Base):
            __tablename__ = "dag_run"
            dag_id = Column(String(250), primary_key=True)
            run_id = Column(String(250), primary_key=True)
        class TaskReschedule(Base):
            __tablename__ = "task_reschedule"
            id = Column(Integer, primary_key=True)
            dag_id = Column(String(250), nullable=False)
            run_id = Column(String(250), nullable=False)
            __table_args__ = (
                ForeignKeyConstraint([dag_id, run_id], ["dag_run.dag_id", "dag_run.run_id"], name="task_reschedule_dr_fkey", ondelete="CASCADE"),
                ForeignKeyConstraint(columns=(run_id,), refcolumns=[DagRun.run_id], name="by_run"),
            )
      `,
    });
    const fks = tables.get('task_reschedule')!.foreignKeys;
    assert.deepEqual(fks.map((f) => [f.name, f.columns, f.refTable, f.refColumns, f.ondelete]), [
      ['task_reschedule_dr_fkey', ['dag_id', 'run_id'], 'dag_run', ['dag_id', 'run_id'], 'CASCADE'],
      ['by_run', ['run_id'], 'dag_run', ['run_id'], undefined],
    ]);
  });

  it("names __table_args__ indexes with the class body's own names, as Python's class scope shows them", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class SqlIssue(Base):
            __tablename__ = "issues"
            issue_id = sa.Column(sa.String(36), primary_key=True)
            status = sa.Column(sa.String(50), nullable=False)
            __table_args__ = (
                sa.Index(f"index_{__tablename__}_status", "status"),
                sa.UniqueConstraint(status, name="uq_" + __tablename__ + "_status"),
            )
      `,
    });
    const issues = tables.get('issues')!;
    assert.deepEqual(issues.indexes.map((i) => [i.name, i.columns]), [['index_issues_status', ['status']]]);
    assert.deepEqual(issues.uniques.map((u) => [u.name, u.columns]), [['uq_issues_status', ['status']]]);
  });

  it("reads the type_annotation_map given to the base's registry(...), and a TypeDecorator's type per dialect", async () => {
    const tables = await modelTables({
      'models.py': `
        import uuid
        from typing import Any, ClassVar
        import sqlalchemy as sa
        from sqlalchemy.dialects import postgresql
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry
        from sqlalchemy.types import CHAR, TypeDecorator
        class UUID(TypeDecorator):
            impl = sa.types.TypeEngine
            def load_dialect_impl(self, dialect):
                if dialect.name == "postgresql":
                    return dialect.type_descriptor(postgresql.UUID())
                else:
                    return dialect.type_descriptor(CHAR(36))
        class Base(DeclarativeBase):
            registry: ClassVar[Any] = registry(metadata=sa.MetaData(), type_annotation_map={uuid.UUID: UUID})
        class Flow(Base):
            __tablename__ = "flow"
            id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
      `,
    });
    const type = tables.get('flow')!.columns.get('id')!.type!;
    assert.deepEqual([type.name, type.family, type.variants?.postgresql?.family, type.variants?.sqlite?.family, type.variants?.sqlite?.args.length], ['UUID', undefined, 'UUID', 'CHAR', 36]);
  });

  it('gives every mapped class the columns of the class declarative_base(cls=...) is made from (ironic)', async () => {
    const tables = await modelTables({
      'base.py': `
        import sqlalchemy as sa
        class TimestampMixin:
            created_at = sa.Column(sa.DateTime)
        class IronicBase(TimestampMixin):
            version = sa.Column(sa.String(15), nullable=True)
      `,
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        from base import IronicBase
        Base = declarative_base(cls=IronicBase)
        class Node(Base):
            __tablename__ = "nodes"
            id = sa.Column(sa.Integer, primary_key=True)
        class Port(Base):
            __tablename__ = "ports"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    for (const name of ['nodes', 'ports']) assert.deepEqual([...tables.get(name)!.columns.keys()].sort(), ['created_at', 'id', 'version'], name);
  });

  it("reads a mixin's declared_attr for each mapped class: its tests and arguments on cls's attributes (Indico)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base, declared_attr
        Base = declarative_base()
        class PrincipalMixin:
            allow_emails = False
            file_required = True
            @declared_attr
            def email(cls):
                if not cls.allow_emails:
                    return
                return sa.Column(sa.String, nullable=True)
            @declared_attr
            def filename(cls):
                return sa.Column(sa.String, nullable=not cls.file_required)
        class RoomPrincipal(PrincipalMixin, Base):
            __tablename__ = "room_principals"
            id = sa.Column(sa.Integer, primary_key=True)
        class EventPrincipal(PrincipalMixin, Base):
            __tablename__ = "event_principals"
            allow_emails = True
            file_required = False
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    const room = tables.get('room_principals')!.columns;
    const event = tables.get('event_principals')!.columns;
    assert.deepEqual([[...room.keys()].sort(), room.get('filename')!.nullable], [['filename', 'id'], false]);
    assert.deepEqual([[...event.keys()].sort(), event.get('filename')!.nullable], [['email', 'filename', 'id'], true]);
  });

  it("takes the schema indico's auto_table_args(cls) merges from the __auto_table_args of the class and its bases", async () => {
    const tables = await modelTables({
      'util.py': `
        def auto_table_args(cls, **extra_kwargs):
            kwargs = {}
            for attr in dir(cls):
                if attr.endswith("__auto_table_args"):
                    kwargs.update(getattr(cls, attr))
            kwargs.update(extra_kwargs)
            return kwargs
      `,
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base, declared_attr
        from util import auto_table_args
        Base = declarative_base()
        class LogEntryBase(Base):
            __abstract__ = True
            __tablename__ = "logs"
            @declared_attr
            def __table_args__(cls):
                return auto_table_args(cls)
            id = sa.Column(sa.Integer, primary_key=True)
        class CategoryLogEntry(LogEntryBase):
            __auto_table_args = {"schema": "categories"}
        class UserLogEntry(LogEntryBase):
            @classmethod
            def __auto_table_args(cls):
                return (sa.Index(None, "id"), {"schema": "users"})
      `,
    });
    assert.deepEqual([...tables.values()].map((t) => `${t.schema}.${t.name}`).sort(), ['categories.logs', 'users.logs']);
  });

  it("decides a declared_attr's test on the length of a class attribute (Indico's RenderModeMixin)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base, declared_attr
        from app.enums import RenderMode
        Base = declarative_base()
        class RenderModeMixin:
            possible_render_modes = {RenderMode.plain_text}
            @declared_attr
            def render_mode(cls):
                if len(cls.possible_render_modes) > 1:
                    return sa.Column(sa.Integer, nullable=False)
                else:
                    return RenderMode.plain_text
        class Note(RenderModeMixin, Base):
            __tablename__ = "notes"
            id = sa.Column(sa.Integer, primary_key=True)
        class Reminder(RenderModeMixin, Base):
            __tablename__ = "reminders"
            possible_render_modes = {RenderMode.html, RenderMode.plain_text}
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.get('notes')!.columns.keys()].sort(), ['id']);
    assert.deepEqual([...tables.get('reminders')!.columns.keys()].sort(), ['id', 'render_mode']);
  });

  it("follows a declared_attr __table_args__ through the if a constant decides, and takes what only some branches of an undecided one declare as conditional (letta)", async () => {
    const tables = (test: string) =>
      modelTables({
        'models.py': `
          import sqlalchemy as sa
          from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, declared_attr
          from settings import settings
          USE_POSTGRES = True
          class Base(DeclarativeBase):
              pass
          class Passage(Base):
              __tablename__ = "passages"
              id: Mapped[int] = mapped_column(primary_key=True)
              org_id: Mapped[int]
              file_id: Mapped[int]
              @declared_attr
              def __table_args__(cls):
                  if ${test}:
                      return (sa.Index("passages_org_idx", "org_id"), sa.Index("passages_file_idx", "file_id"))
                  return (sa.Index("passages_file_idx", "file_id"),)
        `,
      });
    const indexes = async (test: string): Promise<Array<[string | undefined, boolean]>> => (await tables(test)).get('passages')!.indexes.map((i) => [i.name, !!i.conditional]);
    assert.deepEqual(await indexes('USE_POSTGRES'), [['passages_org_idx', false], ['passages_file_idx', false]]);
    assert.deepEqual(await indexes('not USE_POSTGRES'), [['passages_file_idx', false]]);
    assert.deepEqual(await indexes('settings.database_engine == "postgres"'), [['passages_file_idx', false], ['passages_org_idx', true]]);
  });

  it('reads __table_args__ that project helpers make: an Index a function returns, columns a staticmethod lists (Dify)', async () => {
    const tables = await modelTables({
      'types.py': `
        import sqlalchemy as sa
        import config
        def adjusted_json_index(index_name, column_name):
            if config.DB_TYPE == "postgresql":
                return sa.Index(index_name, column_name, postgresql_using="gin")
            return None
        def plain_index(index_name, column_name):
            return sa.Index(index_name, column_name)
      `,
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        from types import adjusted_json_index, plain_index
        class Base(DeclarativeBase):
            pass
        class Draft(Base):
            @staticmethod
            def unique_app_id_name() -> list[str]:
                """The columns of the unique key."""
                return ["app_id", "name"]
            __tablename__ = "drafts"
            __table_args__ = (
                sa.UniqueConstraint(*unique_app_id_name()),
                adjusted_json_index("retrieval_model_idx", "retrieval_model"),
                plain_index("draft_name_idx", "name"),
            )
            id: Mapped[int] = mapped_column(primary_key=True)
            app_id: Mapped[int]
            name: Mapped[str]
            retrieval_model: Mapped[dict] = mapped_column(sa.JSON)
      `,
    });
    const drafts = tables.get('drafts')!;
    assert.deepEqual(drafts.uniques.map((u) => u.columns), [['app_id', 'name']]);
    assert.deepEqual(drafts.indexes.map((i) => [i.name, i.columns, !!i.conditional]), [
      ['retrieval_model_idx', ['retrieval_model'], true],
      ['draft_name_idx', ['name'], false],
    ]);
  });

  it("reads a base made with metaclass=DeclarativeMeta over a registry, whose MetaData a Core table names too (galaxy's tool shed)", async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, Integer, String, Table
        from sqlalchemy.orm import DeclarativeMeta, registry
        mapper_registry = registry()
        class Base(metaclass=DeclarativeMeta):
            __abstract__ = True
            registry = mapper_registry
            metadata = mapper_registry.metadata
            __init__ = mapper_registry.constructor
        class Repository(Base):
            __tablename__ = "repository"
            id = Column(Integer, primary_key=True)
            name = Column(String(255))
        class RepositoryMetadata:
            table = Table("repository_metadata", mapper_registry.metadata, Column("id", Integer, primary_key=True))
        class Other(metaclass=type):
            __tablename__ = "not_a_model"
            id = Column(Integer, primary_key=True)
        class User(Base, metaclass=DeclarativeMeta):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['repository', 'repository_metadata', 'users']);
    assert.deepEqual([...tables.get('repository')!.columns.keys()], ['id', 'name']);
    assert.equal(tables.get('repository')!.metadata, tables.get('repository_metadata')!.metadata);
  });

  it('reads classes mapped with a registry\'s @mapped and @mapped_as_dataclass decorators (CKAN)', async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy import orm
        from sqlalchemy.orm import Mapped, mapped_column
        reg = orm.registry(metadata=sa.MetaData())
        @reg.mapped_as_dataclass
        class File:
            __tablename__ = "file"
            id: Mapped[str] = mapped_column(sa.Text, primary_key=True)
            size: Mapped[int]
        @reg.mapped
        class Owner:
            __tablename__ = "owner"
            id: Mapped[int] = mapped_column(primary_key=True)
        class NotMapped:
            __tablename__ = "nothing"
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['file', 'owner']);
    assert.deepEqual([...tables.get('file')!.columns.keys()], ['id', 'size']);
  });

  it('reads a type that a project helper function returns, with its arguments and defaults bound', async () => {
    const tables = await modelTables({
      'base.py': `
        from sqlalchemy import String
        ID_LEN = 250
        def StringID(*, length=ID_LEN, **kwargs) -> String:
            return String(length=length, **kwargs)
      `,
      'models.py': `
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base
        from base import StringID
        Base = declarative_base()
        class DagBundle(Base):
            __tablename__ = "dag_bundle"
            name = Column(StringID(), primary_key=True)
            short = Column(StringID(length=20))
      `,
    });
    const columns = tables.get('dag_bundle')!.columns;
    assert.deepEqual(['name', 'short'].map((c) => [columns.get(c)!.type!.family, columns.get(c)!.type!.args.length, columns.get(c)!.type!.text]), [
      ['VARCHAR', 250, 'StringID()'],
      ['VARCHAR', 20, 'StringID(length=20)'],
    ]);
  });


  it("passes a helper's **kwargs and *args on where its body spreads them: Index(name, *cols, **kwargs) (zenml)", async () => {
    const tables = await modelTables({
      'utils.py': `
        from sqlalchemy import Column, Index, String
        def build_index(table_name, column_names, **kwargs):
            name = f"ix_{table_name}_{'_'.join(column_names)}"
            return Index(name, *column_names, **kwargs)
        def index_on(name, *columns, **options):
            return Index(name, *columns, **options)
        def text_column(*args, **kw):
            return Column(*args, **kw)
      `,
      'models.py': `
        from sqlalchemy import Column, Integer, String
        from sqlalchemy.orm import declarative_base
        from utils import build_index, index_on, text_column
        Base = declarative_base()
        class SecretResource(Base):
            __tablename__ = "secret_resource"
            __table_args__ = (
                build_index(table_name=__tablename__, column_names=["resource_id", "secret_id"], unique=True),
                index_on("ix_kind", "kind", "secret_id", unique=False),
            )
            id = Column(Integer, primary_key=True)
            resource_id = text_column(String(20), nullable=False)
            secret_id = text_column(String(30), index=True, nullable=False)
            kind = Column(String(10))
      `,
    });
    const t = tables.get('secret_resource')!;
    assert.deepEqual(t.indexes.map((i) => [i.columns.join(), i.unique]).sort(), [
      ['kind,secret_id', false],
      ['resource_id,secret_id', true],
      ['secret_id', false],
    ]);
    assert.equal(t.columns.get('resource_id')!.nullable, false);
    assert.equal(t.columns.get('secret_id')!.type!.args.length, 30);
  });

  it("binds a mixin's declared_attr __table_args__'s cls to the mapped class: names made from cls.__tablename__ (warehouse)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
        class Base(DeclarativeBase):
            pass
        class NamedMixin:
            @declared_attr
            def __table_args__(cls):
                return (sa.CheckConstraint("name <> ''", name=f"{cls.__tablename__}_valid_name"), sa.Index(f"ix_{cls.__tablename__}_name", "name"))
            name: Mapped[str]
        class Organization(NamedMixin, Base):
            __tablename__ = "organizations"
            id: Mapped[int] = mapped_column(primary_key=True)
        class Application(NamedMixin, Base):
            __tablename__ = "applications"
            id: Mapped[int] = mapped_column(primary_key=True)
      `,
    });
    assert.deepEqual(['organizations', 'applications'].map((t) => [tables.get(t)!.checks.map((c) => c.name), tables.get(t)!.indexes.map((i) => i.name)]), [
      [['organizations_valid_name'], ['ix_organizations_name']],
      [['applications_valid_name'], ['ix_applications_name']],
    ]);
  });

  it("follows a declared_attr that returns a column a classmethod or staticmethod of the class makes (letta's audit columns)", async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import String, Integer
        from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
        class Base(DeclarativeBase):
            pass
        class AuditMixin:
            @declared_attr
            def created_by_id(cls):
                return cls._user_column()
            @declared_attr
            def version(cls):
                return cls._counter(5)
            @classmethod
            def _user_column(cls):
                return mapped_column(String(cls.ID_LENGTH), nullable=True)
            @staticmethod
            def _counter(start):
                return mapped_column(Integer, nullable=False)
            def describe(self):
                return f"made by {self.created_by_id}"
        class Item(AuditMixin, Base):
            __tablename__ = "items"
            ID_LENGTH = 36
            id: Mapped[int] = mapped_column(primary_key=True)
      `,
    });
    const columns = tables.get('items')!.columns;
    assert.deepEqual([...columns.keys()].sort(), ['created_by_id', 'id', 'version']);
    assert.deepEqual([columns.get('created_by_id')!.type!.args.length, columns.get('created_by_id')!.nullable], [36, true]);
    assert.deepEqual([columns.get('version')!.type!.family, columns.get('version')!.nullable], ['INTEGER', false]);
  });

  it("reads a column both branches of a class-body if declare, and leaves out one only a branch declares (letta's embedding)", async () => {
    const tables = await modelTables({
      'models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        from settings import settings
        Base = declarative_base()
        class Passage(Base):
            __tablename__ = "passages"
            id = sa.Column(sa.Integer, primary_key=True)
            if settings.pg:
                embedding = sa.Column(sa.LargeBinary)
                pg_only = sa.Column(sa.Integer)
            elif settings.mysql:
                embedding = sa.Column(sa.Text)
            else:
                embedding = sa.Column(sa.JSON, nullable=True)
      `,
    });
    const columns = tables.get('passages')!.columns;
    assert.deepEqual([...columns.keys()], ['id', 'embedding']);
    assert.equal(columns.get('embedding')!.type!.family, 'JSON');
  });

  it("reads Flask-AppBuilder's Model as a declarative base that names its tables from the class name (superset)", async () => {
    const tables = await modelTables({
      'models.py': `
        from flask_appbuilder import Model
        from sqlalchemy import Column, Integer, String, Text
        class UserAttribute(Model):
            __tablename__ = "user_attribute"
            id = Column(Integer, primary_key=True)
        class DynamicPlugin(Model):
            id = Column(Integer, primary_key=True)
            key = Column(Text, nullable=False)
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['dynamic_plugin', 'user_attribute']);
  });

  it("reads a SQLModel Field(sa_column=Column(...)) that a helper returns with the helper's arguments bound (zenml)", async () => {
    const tables = await modelTables({
      'utils.py': `
        from sqlalchemy import Column, ForeignKey
        from sqlmodel import Field
        def fk_field(target, ondelete, nullable):
            return Field(sa_column=Column(ForeignKey(f"{target}.id", ondelete=ondelete), nullable=nullable))
      `,
      'models.py': `
        from uuid import UUID
        from sqlalchemy import Column
        from sqlmodel import Field, SQLModel
        from utils import fk_field
        class User(SQLModel, table=True):
            __tablename__ = "user"
            id: UUID = Field(primary_key=True)
        class ApiKey(SQLModel, table=True):
            __tablename__ = "api_key"
            id: UUID = Field(primary_key=True)
            user_id: UUID = fk_field(target="user", ondelete="CASCADE", nullable=False)
      `,
    });
    const apiKey = tables.get('api_key')!;
    assert.equal(apiKey.columns.get('user_id')!.nullable, false);
    assert.deepEqual(apiKey.foreignKeys.map((f) => [f.columns, f.refTable, f.refColumns, f.ondelete]), [[['user_id'], 'user', ['id'], 'CASCADE']]);
  });
  it("reads a column a helper makes into a local, marks and returns, with the keywords its body sets by default (ubersystem)", async () => {
    const tables = await modelTables({
      'fields.py': `
        from sqlalchemy import Column as SAColumn
        from sqlmodel import Field as SQLModelField
        def Column(*args, admin_only=False, **kwargs):
            kwargs.setdefault("nullable", False)
            col = SAColumn(*args, **kwargs)
            col.admin_only = admin_only
            return col
        def DefaultField(*args, **kwargs):
            kwargs.setdefault("nullable", False)
            kwargs["max_length"] = kwargs.get("max_length")
            field = SQLModelField(*args, **kwargs)
            field.admin_only = True
            return field
      `,
      'models.py': `
        from sqlalchemy import Integer, String
        from sqlalchemy.orm import declarative_base
        from sqlmodel import SQLModel
        from fields import Column, DefaultField
        Base = declarative_base()
        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            name = Column(String(50))
            nick = Column(String(20), nullable=True)
        class Group(SQLModel, table=True):
            __tablename__ = "group"
            id: int = DefaultField(primary_key=True)
            name: str = DefaultField(default="", nullable=True)
            code: str = DefaultField(default="")
      `,
    });
    const nullable = (table: string): string[] => [...tables.get(table)!.columns.values()].map((c) => `${c.name} ${c.nullable ? 'NULL' : 'NOT NULL'}`);
    assert.deepEqual(nullable('users'), ['id NOT NULL', 'name NOT NULL', 'nick NULL']);
    assert.deepEqual(nullable('group'), ['id NOT NULL', 'name NULL', 'code NOT NULL']);
  });

  it("reads a Core table's constraints that name a column by its key= (sortipy)", async () => {
    const tables = await modelTables({
      'models.py': `
        from sqlalchemy import Column, Index, Integer, MetaData, String, Table, UniqueConstraint
        metadata = MetaData()
        owner = Table(
            "owner", metadata,
            Column("id", Integer, primary_key=True),
            Column("owner_type", String(20), key="_owner_type", nullable=False),
            Column("owner_id", Integer, key="_owner_id", nullable=False),
            UniqueConstraint("_owner_type", "_owner_id", name="uq_owner_type_id"),
            Index("ix_owner_id", "_owner_id"),
        )
      `,
    });
    const owner = tables.get('owner')!;
    assert.deepEqual([...owner.columns.keys()], ['id', 'owner_type', 'owner_id']);
    assert.deepEqual(owner.uniques.map((u) => u.columns), [['owner_type', 'owner_id']]);
    assert.deepEqual(owner.indexes.map((i) => i.columns), [['owner_id']]);
  });

  it('takes `Base = cast(Any, declarative_base())` for the base it casts (deepchecks)', async () => {
    const tables = await modelTables({
      'models.py': `
        import typing as t
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = t.cast(t.Any, declarative_base())
        class User(Base):
            __tablename__ = "users"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()], ['users']);
  });

  it('takes the base an `if TYPE_CHECKING:` else binds at run time, not the one given to the type checker', async () => {
    const tables = await modelTables({
      'base.py': `
        import typing
        from typing import TYPE_CHECKING, Any
        from sqlalchemy import MetaData
        from sqlalchemy.orm import registry
        mapper_registry = registry(metadata=MetaData())
        if TYPE_CHECKING:
            Base = Any
        else:
            Base = mapper_registry.generate_base()
        if not typing.TYPE_CHECKING:
            Other = mapper_registry.generate_base()
      `,
      'models.py': `
        from sqlalchemy import Column, Integer, String
        from base import Base, Other
        class Pool(Base):
            __tablename__ = "slot_pool"
            id = Column(Integer, primary_key=True)
            pool = Column(String(256), unique=True)
        class Variable(Other):
            __tablename__ = "variable"
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.get('slot_pool')!.columns.keys()], ['id', 'pool']);
    assert.ok(tables.has('variable'));
  });

  it('reads a TypeDecorator hierarchy by its impl, not as a Python enum', async () => {
    const tables = await modelTables({
      'types.py': `
        import sqlalchemy as sa
        from sqlalchemy.types import TypeDecorator
        class EnumType(TypeDecorator):
            def __init__(self, enum_klass, **kwargs):
                super().__init__(**kwargs)
        class StringEnum(EnumType):
            impl = sa.Unicode
      `,
      'models.py': `
        import enum
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base
        from types import StringEnum
        Base = declarative_base()
        class Color(enum.Enum):
            red = "red"
        class Paint(Base):
            __tablename__ = "paints"
            id = Column(Integer, primary_key=True)
            color = Column(StringEnum(Color))
      `,
    });
    assert.equal(tables.get('paints')!.columns.get('color')!.type!.family, 'VARCHAR');
  });

  it('reads a column carried by an Annotated alias over a collection type', async () => {
    const tables = await modelTables({
      'models.py': `
        from typing import Annotated, Any
        from sqlalchemy.dialects.postgresql import JSONB
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
        MetadataColumn = Annotated[dict[str, Any], mapped_column(JSONB, nullable=False, default=dict)]
        class Base(DeclarativeBase):
            pass
        class Campaign(Base):
            __tablename__ = "campaigns"
            id: Mapped[int] = mapped_column(primary_key=True)
            user_metadata: Mapped[MetadataColumn]
      `,
    });
    const col = tables.get('campaigns')!.columns.get('user_metadata')!;
    assert.equal(col.type!.family, 'JSONB');
    assert.equal(col.nullable, false);
  });

  it('does not take a project module named like a library for the library', async () => {
    const tables = await modelTables({
      'app/__init__.py': '',
      'app/kit/__init__.py': '',
      'app/kit/sqlalchemy.py': `
        def helper():
            pass
      `,
      'app/models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Item(Base):
            __tablename__ = "items"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.get('items')!.columns.keys()], ['id']);
  });

  it('marks a model whose base is a library mixin as open: its columns are not all known', async () => {
    const tables = await modelTables({
      'models.py': `
        from authlib.integrations.sqla_oauth2 import OAuth2ClientMixin
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Client(Base, OAuth2ClientMixin):
            __tablename__ = "clients"
            id = Column(Integer, primary_key=True)
        class Plain(Base):
            __tablename__ = "plain"
            id = Column(Integer, primary_key=True)
      `,
    });
    assert.equal(tables.get('clients')!.open, true);
    assert.equal(tables.get('plain')!.open, undefined);
  });
});

describe("models -> schema: a Core Table in its MetaData's default schema", () => {
  it('puts a Table without schema= in the schema of the MetaData it is given, also through a base class (renku)', async () => {
    const tables = await modelTables({
      'app/models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase
        metadata_obj = sa.MetaData(schema="resource_pools")
        class BaseORM(DeclarativeBase):
            metadata = metadata_obj
        pool_users = sa.Table("pool_users", BaseORM.metadata, sa.Column("user_id", sa.Integer, primary_key=True))
        direct = sa.Table("direct", metadata_obj, sa.Column("id", sa.Integer, primary_key=True))
        elsewhere = sa.Table("elsewhere", metadata_obj, sa.Column("id", sa.Integer, primary_key=True), schema="other")
        class Pool(BaseORM):
            __tablename__ = "pools"
            id = sa.Column(sa.Integer, primary_key=True)
      `,
    });
    assert.deepEqual([...tables.keys()].sort(), ['other.elsewhere', 'resource_pools.direct', 'resource_pools.pool_users', 'resource_pools.pools']);
  });

  it("names a Core table's indexes by the convention of the MetaData a declarative_base(metadata=...) holds (indico)", async () => {
    const tables = await modelTables({
      'app/models.py': `
        import sqlalchemy as sa
        from sqlalchemy.orm import declarative_base
        metadata = sa.MetaData(naming_convention={"ix": "%(table_name)s_%(column_0_name)s_idx"})
        Base = declarative_base(metadata=metadata)
        members = sa.Table("members", Base.metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer, index=True))
        class User(Base):
            __tablename__ = "users"
            id = sa.Column(sa.Integer, primary_key=True)
            email = sa.Column(sa.String, index=True)
      `,
    });
    assert.deepEqual(['members', 'users'].map((t) => tables.get(t)!.indexes.map((i) => i.name)), [['members_user_id_idx'], ['users_email_idx']]);
  });
});
