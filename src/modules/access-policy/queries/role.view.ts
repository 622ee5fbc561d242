import type { CatalogueRole } from '../infrastructure/role-catalogue';

export interface RoleView {
  id: string | null;
  name: string;
  builtIn: boolean;
  description: string | null;
  permissions: string[];
}

export function roleView(role: CatalogueRole, description: string | null = null): RoleView {
  return { id: role.id, name: role.name, builtIn: !role.custom, description, permissions: [...role.permissions] };
}
