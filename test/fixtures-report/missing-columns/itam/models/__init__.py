from itam.models.people import User
from itam.models.asset import Asset, AssetDependency

__all__ = ["User", "Asset", "AssetDependency"]
