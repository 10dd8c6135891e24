import datetime
from typing import Optional

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


recipe_tags = Table(
    "recipe_tags",
    Base.metadata,
    Column("recipe_id", ForeignKey("recipes.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(40), unique=True)
    bio: Mapped[Optional[str]] = mapped_column(Text)


class Recipe(Base):
    __tablename__ = "recipes"
    __table_args__ = (Index("ix_recipes_author_title", "author_id", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    title: Mapped[str] = mapped_column(String(160))
    servings: Mapped[int] = mapped_column(Integer, server_default="2")
    created_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())

    tags: Mapped[list["Tag"]] = relationship(secondary=recipe_tags)


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(30), index=True)
