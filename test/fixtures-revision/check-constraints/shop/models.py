import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base(metadata=sa.MetaData(naming_convention={"ck": "ck_%(table_name)s_%(constraint_name)s"}))


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (sa.CheckConstraint("price > 0", name="positive_price"),)

    id = sa.Column(sa.Integer, primary_key=True)
    price = sa.Column(sa.Integer, nullable=False)
    quantity = sa.Column(sa.Integer, sa.CheckConstraint("quantity >= 0", name="quantity_not_negative"), nullable=False)
    discount = sa.Column(sa.Integer, sa.CheckConstraint("discount BETWEEN 0 AND 100", name="discount_percent"), server_default=sa.text("0"), nullable=False)
