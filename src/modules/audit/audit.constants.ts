export const AUDIT_QUEUE = 'audit';
