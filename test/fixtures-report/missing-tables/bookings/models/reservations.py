from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from bookings.models.base import Base


class Reservation(Base):
    """A room held for a guest between two instants."""

    __tablename__ = "reservations"

    id = Column(Integer, primary_key=True)
    room_id = Column(Integer, ForeignKey("rooms.id"), nullable=False)
    guest_email = Column(String(255), nullable=False, index=True)
    starts_at = Column(DateTime(timezone=True), nullable=False)
    ends_at = Column(DateTime(timezone=True), nullable=False)
