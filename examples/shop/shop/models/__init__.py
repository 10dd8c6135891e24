from shop.models.base import Base
from shop.models.catalog import Category, Product
from shop.models.orders import Customer, Order, OrderItem

__all__ = ["Base", "Category", "Product", "Customer", "Order", "OrderItem"]
