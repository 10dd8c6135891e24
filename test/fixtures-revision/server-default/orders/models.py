"""Orders, with server-side defaults.

Ahead of the migrations: new orders start as "new" rather than "draft", total has no server default any more
(the application always sets it), and created_at, channel and priority are new columns with server defaults.
"""
from sqlalchemy import Column, DateTime, Integer, Numeric, String, Text, func, text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Order(Base):
    __tablename__ = "orders"

    id = Column(Integer, primary_key=True)
    status = Column(String(20), nullable=False, server_default="new")
    total = Column(Numeric(10, 2), nullable=False)
    note = Column(Text)
    created_at = Column(DateTime, nullable=False, server_default=func.now())
    channel = Column(String(20), nullable=False, server_default="web")
    priority = Column(Integer, nullable=False, server_default=text("1"))
