import type { PasswordHasher } from './password-hasher';
import type { PasswordPolicy } from './password-policy';
import type { AuthEvents, LoginThrottle, RegistrationThrottle, RefreshTokenRepository, UserRepository } from './ports';
import type { TokenIssuer } from './token-issuer';

/** What the use cases work with, built once by the composition root. */
export interface AuthDeps {
  users: UserRepository;
  refreshTokens: RefreshTokenRepository;
  passwords: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  tokens: TokenIssuer;
  throttle: LoginThrottle;
  registrations: RegistrationThrottle;
  events: AuthEvents;
}

/** Who asks: the client IP (from the trusted proxy hop) goes into throttling and the audit trail. */
export interface Caller {
  ip: string;
}

/** Emails are compared trimmed and lower-cased, so Ada@Example.com and ada@example.com are one account. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();
