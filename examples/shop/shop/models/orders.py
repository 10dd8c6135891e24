import enum

import sqlalchemy as sa

from shop.models.base import Base


class OrderStatus(enum.Enum):
    pending = "pending"
    paid = "paid"
    shipped = "shipped"


class Customer(Base):
    __tablename__ = "customers"

    id = sa.Column(sa.Integer, primary_key=True)
    email = sa.Column(sa.String(255), nullable=False, unique=True)
    full_name = sa.Column(sa.String(120), nullable=False)
    created_at = sa.Column(sa.DateTime, nullable=False, server_default=sa.func.now())


class Order(Base):
    __tablename__ = "orders"

    id = sa.Column(sa.Integer, primary_key=True)
    customer_id = sa.Column(sa.Integer, sa.ForeignKey("customers.id"), nullable=False)
    status = sa.Column(sa.Enum(OrderStatus, name="order_status"), nullable=False)
    placed_at = sa.Column(sa.DateTime, nullable=False)


class OrderItem(Base):
    __tablename__ = "order_items"

    id = sa.Column(sa.Integer, primary_key=True)
    order_id = sa.Column(sa.Integer, sa.ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    product_id = sa.Column(sa.Integer, sa.ForeignKey("products.id"), nullable=False)
    quantity = sa.Column(sa.Integer, nullable=False, server_default="1")
