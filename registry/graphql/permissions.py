"""Who may call what. Until login exists, changes are only possible in development mode."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from registry.graphql.context import Info


class DevelopmentModeOnly(BasePermission):
    message = "changes require development mode (REGISTRY_DEV_MODE=true) until login is available"

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.settings.dev_mode
