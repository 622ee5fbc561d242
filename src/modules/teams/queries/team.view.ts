import type { Team } from '../domain/team.entity';

export interface TeamView {
  id: string;
  name: string;
  description: string | null;
  parentId: string | null;
  archivedAt: Date | null;
  createdAt: Date;
  version: number;
}

export function teamView(team: Team): TeamView {
  return {
    id: team.id,
    name: team.name,
    description: team.description,
    parentId: team.parentId,
    archivedAt: team.archivedAt,
    createdAt: team.createdAt,
    version: team.version,
  };
}
