import sqlalchemy as sa

from shop.models.base import Base


class Category(Base):
    __tablename__ = "categories"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(80), nullable=False, unique=True)


class Product(Base):
    __tablename__ = "products"

    id = sa.Column(sa.Integer, primary_key=True)
    category_id = sa.Column(sa.ForeignKey("categories.id"), nullable=False)
    name = sa.Column(sa.String(120), nullable=False)
    sku = sa.Column(sa.String(32), nullable=False, index=True)
    price = sa.Column(sa.Numeric(10, 2), nullable=False)
    description = sa.Column(sa.Text)
