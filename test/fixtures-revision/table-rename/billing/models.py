"""Billing: customers (formerly "clients") and their invoices.

Ahead of the migrations: the clients table was renamed to customers in the model, and invoices.total to
invoices.amount_due; the migrations still create clients and total.
"""
from sqlalchemy import Column, Date, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


class Customer(Base):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    email = Column(String(255), index=True)

    invoices = relationship("Invoice", back_populates="customer")


class Invoice(Base):
    __tablename__ = "invoices"

    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    amount_due = Column(Numeric(10, 2), nullable=False, index=True)
    issued_on = Column(Date, nullable=False)

    customer = relationship("Customer", back_populates="invoices")
