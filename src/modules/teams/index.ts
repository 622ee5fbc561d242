export { TeamsModule } from './teams.module';
export { TeamRoster } from './contracts/team-roster';
