import sqlalchemy as sa
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Amphora(Base):
    __tablename__ = "amphora"

    id = sa.Column(sa.String(36), primary_key=True)
    status = sa.Column(sa.String(36), nullable=False)
