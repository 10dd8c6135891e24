import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Subscriber(Base):
    """Someone who asked for the newsletter (the table was called mailing_list_members)."""

    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    confirmed: Mapped[bool] = mapped_column(server_default="0")
    joined_at: Mapped[datetime.datetime] = mapped_column(server_default=func.now())


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime.datetime | None]


class Delivery(Base):
    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("subscribers.id"))
    opened_at: Mapped[datetime.datetime | None]
