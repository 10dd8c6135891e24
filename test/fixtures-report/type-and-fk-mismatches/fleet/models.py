import enum

from sqlalchemy import JSON, Boolean, Column, DateTime, Enum, ForeignKey, Integer, String, func
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class VehicleKind(enum.Enum):
    car = "car"
    van = "van"
    truck = "truck"


class Depot(Base):
    __tablename__ = "depots"

    id = Column(Integer, primary_key=True)
    name = Column(String(80), nullable=False)
    code = Column(String(8), nullable=False, unique=True)


class Driver(Base):
    __tablename__ = "drivers"

    id = Column(Integer, primary_key=True)
    full_name = Column(String(120), nullable=False)
    licence_no = Column(String(20), nullable=False)
    active = Column(Boolean, nullable=False, server_default="true")


class Vehicle(Base):
    __tablename__ = "vehicles"

    id = Column(Integer, primary_key=True)
    plate = Column(String(12), nullable=False)
    kind = Column(Enum(VehicleKind), nullable=False)
    status = Column(Enum("available", "on_trip", "in_repair", "retired", name="vehicle_status"), nullable=False)
    specs = Column(JSON)
    depot_id = Column(Integer, ForeignKey("depots.id"), nullable=False)
    driver_id = Column(Integer, ForeignKey("drivers.id"))
    registered_at = Column(DateTime(timezone=True), nullable=False, server_default=func.now())
