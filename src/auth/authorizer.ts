/**
 * The one authentication and authorization hook every API route passes through. Slice 1 ships
 * the embedded default (a local user who may do everything); the governance issue adds users,
 * tokens and roles as another Authorizer, without touching the routes.
 */
export interface Principal {
  readonly id: string;
  readonly kind: 'local' | 'user' | 'service';
}

/** What a route needs, declared on the route (`config: { permission: 'datasets:write' }`). */
export type Permission = `${string}:${'read' | 'write' | 'admin'}`;

export interface AuthRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly permission: Permission | undefined;
}

export interface Authorizer {
  /** Returns the caller, or throws KeelError UNAUTHENTICATED / PERMISSION_DENIED. */
  authorize(request: AuthRequest): Promise<Principal>;
}

export const LOCAL_PRINCIPAL: Principal = Object.freeze({ id: 'local', kind: 'local' });

/** Embedded default: no setup, the local user may do everything. */
export class LocalAuthorizer implements Authorizer {
  async authorize(): Promise<Principal> {
    return LOCAL_PRINCIPAL;
  }
}
