from bookings.models.venues import Room, Venue
from bookings.models.reservations import Reservation
from bookings.models.billing import Invoice, Payment

__all__ = ["Venue", "Room", "Reservation", "Invoice", "Payment"]
