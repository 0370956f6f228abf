"""Who may call what. Which rows each user sees is decided by the views' querysets."""

from rest_framework.permissions import SAFE_METHODS, DjangoModelPermissions
from rest_framework.request import Request


class ReadOrModelPermission(DjangoModelPermissions):
    """Anyone reads; writing needs the model's add/change/delete permission (hence a role)."""

    def has_permission(self, request: Request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().has_permission(request, view)
