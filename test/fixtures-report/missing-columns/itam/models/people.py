from sqlalchemy import Boolean, Column, Integer, String

from itam.models.base import Base


class User(Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True)
    full_name = Column(String(120), nullable=False)
    is_admin = Column(Boolean, nullable=False, server_default="false")
