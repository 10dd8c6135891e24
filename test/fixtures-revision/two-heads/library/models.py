"""The library's tables, as Core tables on one MetaData.

Ahead of the migrations (which have two heads): book ISBNs are unique, and loans are new.
"""
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, func

metadata = MetaData()

authors = Table(
    "authors",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("born", Date),
)

books = Table(
    "books",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(200), nullable=False, index=True),
    Column("author_id", Integer, ForeignKey("authors.id"), nullable=False),
    Column("isbn", String(13), unique=True),
)

loans = Table(
    "loans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("book_id", Integer, ForeignKey("books.id", ondelete="CASCADE"), nullable=False),
    Column("borrower", String(100), nullable=False),
    Column("loaned_at", DateTime, nullable=False, server_default=func.now()),
    Column("returned_at", DateTime),
)
