import { baseConfigSchema, envPort, envPositiveInt } from '@playbook/kit';
import { databaseConfigShape } from '@playbook/kit/mongo';
import { serviceByName } from '@playbook/contract';
import { z } from 'zod';

const atLeast = (minimum: number, fallback: number) => z.coerce.number().int().min(minimum).default(fallback);

/** Every variable auth-service reads; see README.md and .env.example. */
export const authConfigSchema = baseConfigSchema
  .extend({
    PORT: envPort(serviceByName('auth').port),
    ...databaseConfigShape(serviceByName('auth').database),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
    REFRESH_TOKEN_TTL_SECONDS: envPositiveInt(14 * 24 * 3600),
    /** A login (its chain of refresh tokens) ends this long after the sign-in; refreshing does not extend it. */
    LOGIN_MAX_AGE_SECONDS: envPositiveInt(30 * 24 * 3600),
    /** The signing key (EC P-256 private key, PEM); `\n` escapes are accepted for one-line env values. */
    JWT_PRIVATE_KEY: z.string().min(1).optional(),
    JWT_PRIVATE_KEY_FILE: z.string().min(1).optional(),
    /** Public keys of rotated-out signing keys (PEM blocks, concatenated), still accepted until their tokens expire. */
    JWT_PREVIOUS_PUBLIC_KEYS: z.string().min(1).optional(),
    JWT_PREVIOUS_PUBLIC_KEYS_FILE: z.string().min(1).optional(),
    /** Development and tests only: where a generated signing key is kept when none is configured. */
    JWT_KEYS_DIR: z.string().min(1).default('.data/keys'),

    // OWASP Password Storage Cheat Sheet minimums for argon2id; stronger values are fine.
    ARGON2_MEMORY_KIB: atLeast(19_456, 19_456),
    ARGON2_TIME_COST: atLeast(2, 2),
    ARGON2_PARALLELISM: atLeast(1, 1),
    /**
     * Password hashes and checks (each an argon2id run of ~19 MiB) at once in this process; one more is answered
     * 429 at once, so a burst of sign-ups cannot queue up unbounded memory and CPU.
     */
    ARGON2_MAX_CONCURRENT: envPositiveInt(8),
    /** Sign-ups from one client IP per hour (a workshop behind one NAT still gets in); more get 429. */
    REGISTRATIONS_PER_IP_PER_HOUR: envPositiveInt(30),
    /** zxcvbn score (0–4) a new password needs. */
    PASSWORD_MIN_SCORE: z.coerce.number().int().min(0).max(4).default(3),

    LOGIN_MAX_FAILURES_PER_EMAIL: envPositiveInt(5),
    LOGIN_MAX_FAILURES_PER_IP: envPositiveInt(100),
    LOGIN_FAILURE_WINDOW_SECONDS: envPositiveInt(900),
    LOGIN_BACKOFF_BASE_SECONDS: envPositiveInt(60),
    LOGIN_BACKOFF_MAX_SECONDS: envPositiveInt(900),
  })
  .superRefine((config, issues) => {
    if (config.NODE_ENV === 'production' && !config.JWT_PRIVATE_KEY && !config.JWT_PRIVATE_KEY_FILE) {
      issues.addIssue({ code: 'custom', path: ['JWT_PRIVATE_KEY'], message: 'is required in production (or JWT_PRIVATE_KEY_FILE)' });
    }
    // Without the gateway's signed client IP every sign-in would count against one address: the gateway's.
    if (config.NODE_ENV === 'production' && !config.FORWARDING_KEY_FILE) {
      issues.addIssue({ code: 'custom', path: ['FORWARDING_KEY_FILE'], message: 'is required in production (the per-IP throttles need the client IP the gateway signs)' });
    }
    if (config.JWT_PRIVATE_KEY && config.JWT_PRIVATE_KEY_FILE) {
      issues.addIssue({ code: 'custom', path: ['JWT_PRIVATE_KEY_FILE'], message: 'set either JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, not both' });
    }
  });
export type AuthConfig = z.infer<typeof authConfigSchema>;
