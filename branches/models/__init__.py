from branches.models.assignments import Assignment, AssignmentStatus
from branches.models.people import AuditorCertification, AuditorProfile, Role, User
from branches.models.regions import Region
from branches.models.stores import Store
from branches.models.waves import Wave, WaveAssignment, WaveStatus

__all__ = [
    "Assignment",
    "AssignmentStatus",
    "AuditorCertification",
    "AuditorProfile",
    "Region",
    "Role",
    "Store",
    "User",
    "Wave",
    "WaveAssignment",
    "WaveStatus",
]
