/** The permission catalogue: `<subject>:<action>`. */
export const PERMISSIONS = {
  'account:read': 'See your own account: profile, sessions, keys, MFA state',
  'organization:read': 'See the organization and its settings',
  'organization:manage': 'Change organization settings',
  'billing:manage': 'Manage billing and subscription',
  'users:read': 'See users and their details',
  'users:invite': 'Invite users',
  'users:manage': 'Edit, deactivate, reactivate and remove users',
  'roles:assign': 'Change users’ roles (within the privilege rules)',
  'roles:manage': 'Create, edit and delete custom roles (only from permissions one holds)',
  'teams:read': 'See teams',
  'teams:manage': 'Create and manage teams, members and leads',
  'policies:read': 'See access policies',
  'policies:manage': 'Change access policies and SSO settings',
  'audit:read': 'Read the audit trail and login history',
  'audit:export': 'Export and verify the audit trail',
  'audit:manage': 'Acknowledge and resolve security alerts',
  'applications:develop': 'Develop applications',
  'applications:deploy': 'Deploy applications',
  'resources:read': 'Monitor resources',
  'resources:manage': 'Manage resources and their permissions',
  'devices:manage': 'Manage devices',
  'environments:test': 'Use test environments',
  'dashboards:read': 'View dashboards',
  'reports:generate': 'Generate reports',
  'api:access': 'Use the API programmatically',
  'authz:check': 'Ask the decision API about other users (services); anyone may ask about themselves',
  'platform:operate': 'Act as a platform operator (create organizations, rotate signing keys); needs a platform-operator grant too',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}
