import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema; the message is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Variables whose whole value is a secret: named in an error, never shown. */
const SECRET_NAME = /KEY|SECRET|PASSWORD|TOKEN|CREDENTIAL/i;

/** A bad value as an error may show it: a secret variable's not at all, a URL's password masked. */
function shown(variable: string, given: string): string {
  if (SECRET_NAME.test(variable)) return `a value of ${given.length} characters, not shown`;
  return JSON.stringify(given.replace(/(\/\/[^:/@\s]*:)[^@/\s]*@/g, '$1***@'));
}

/**
 * Parses environment variables with a zod object schema. Called once, by a service's composition root.
 * The error names every bad variable and what is wrong with it, on one line, with no secret in it.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const given = typeof issue.path[0] === 'string' ? env[issue.path[0]] : undefined;
    return `${variable}: ${issue.message}${given === undefined ? ' (not set)' : ` (got ${shown(variable, given)})`}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}
