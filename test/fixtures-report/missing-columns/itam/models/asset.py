from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import relationship

from itam.models.base import Base


class Asset(Base):
    """A piece of hardware the company owns; the model grew for a year while the migrations stood still."""

    __tablename__ = "assets"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    sku = Column(String(50), index=True)
    serial_number = Column(String(100), unique=True)
    owner_id = Column(Integer, ForeignKey("users.id", ondelete="SET NULL"))
    purchased_on = Column(Date)
    purchase_cost = Column(Numeric(12, 2))
    status = Column(String(20), nullable=False, server_default="in_service")
    notes = Column(Text)
    tags = Column(ARRAY(String(30)))
    updated_at = Column(DateTime(timezone=True), server_default=func.now(), onupdate=func.now())

    owner = relationship("User")


class AssetDependency(Base):
    __tablename__ = "asset_dependencies"
    __table_args__ = (UniqueConstraint("asset_id", "depends_on_id", name="uq_asset_dependencies_pair"),)

    id = Column(Integer, primary_key=True)
    asset_id = Column(Integer, ForeignKey("assets.id", ondelete="CASCADE"), nullable=False)
    depends_on_id = Column(Integer, ForeignKey("assets.id", ondelete="CASCADE"), nullable=False)
    kind = Column(String(30), nullable=False)
