"""Accounts, on PostgreSQL.

Ahead of the migrations: usernames may be longer, display names are required, balances more precise,
settings are JSONB, visits a BIGINT that is always set, and last_seen_at is new. The status column keeps
its server default while it becomes longer.
"""
from sqlalchemy import BigInteger, Column, DateTime, Integer, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Account(Base):
    __tablename__ = "accounts"

    id = Column(Integer, primary_key=True)
    username = Column(String(80), nullable=False, unique=True, index=True)
    display_name = Column(String(50), nullable=False)
    balance = Column(Numeric(12, 4), nullable=False)
    settings = Column(JSONB)
    visits = Column(BigInteger, nullable=False)
    status = Column(String(20), nullable=False, server_default="active")
    last_seen_at = Column(DateTime(timezone=True))
