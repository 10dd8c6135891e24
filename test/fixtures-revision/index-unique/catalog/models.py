"""The catalog's products, on a MetaData with a naming convention.

Ahead of the migrations: sku is unique, name is indexed, (name, vendor) is unique, a composite index serves
price lists by vendor, a partial index serves the listed products' prices, the single-column vendor index is gone, and
a new code column has a unique index.
"""
from sqlalchemy import Column, Index, Integer, MetaData, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import declarative_base

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("name", "vendor"),
        Index("ix_products_vendor_price", "vendor", "price"),
        Index("ix_products_listed_price", "price", sqlite_where=text("vendor IS NOT NULL")),
    )

    id = Column(Integer, primary_key=True)
    sku = Column(String(32), nullable=False, unique=True)
    name = Column(String(200), nullable=False, index=True)
    price = Column(Numeric(10, 2))
    vendor = Column(String(100))
    code = Column(String(20), unique=True, index=True)
