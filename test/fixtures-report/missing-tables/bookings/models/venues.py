from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship

from bookings.models.base import Base


class Venue(Base):
    __tablename__ = "venues"

    id = Column(Integer, primary_key=True)
    name = Column(String(120), nullable=False)
    city = Column(String(80))

    rooms = relationship("Room", back_populates="venue")


class Room(Base):
    __tablename__ = "rooms"

    id = Column(Integer, primary_key=True)
    venue_id = Column(Integer, ForeignKey("venues.id"), nullable=False)
    name = Column(String(60), nullable=False)
    capacity = Column(Integer, nullable=False)

    venue = relationship("Venue", back_populates="rooms")
