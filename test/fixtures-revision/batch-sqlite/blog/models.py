"""The blog's tables: users write posts.

Ahead of the migrations: users.email became required and unique, users.name longer, users gained a username
(indexed) and a bio and lost legacy_flag; posts gained a published flag and an index for listing a user's posts.
"""
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("email", name="uq_users_email"),)

    id = Column(Integer, primary_key=True)
    email = Column(String(120), nullable=False)
    name = Column(String(100), nullable=False)
    username = Column(String(40), index=True)
    bio = Column(Text)

    posts = relationship("Post", back_populates="author")


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (Index("ix_posts_user_id_title", "user_id", "title"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    title = Column(String(200), nullable=False)
    body = Column(Text)
    published = Column(Boolean, nullable=False, server_default=text("0"))

    author = relationship("User", back_populates="posts")
