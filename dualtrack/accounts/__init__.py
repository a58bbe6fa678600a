"""Users, roles and their scopes (用户与权限)."""
