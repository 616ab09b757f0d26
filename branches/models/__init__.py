from branches.models.people import Role, User
from branches.models.regions import Region
from branches.models.stores import Store

__all__ = ["Region", "Role", "Store", "User"]
