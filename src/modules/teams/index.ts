export { TeamsModule } from './teams.module';
export { TeamRoster } from './contracts/team-roster';
export { TEAMS_EVENTS } from './contracts/teams.events';
