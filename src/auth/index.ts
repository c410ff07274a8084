export { LocalAuthorizer, LOCAL_PRINCIPAL } from './authorizer.js';
export type { Authorizer, AuthRequest, Permission, Principal } from './authorizer.js';
