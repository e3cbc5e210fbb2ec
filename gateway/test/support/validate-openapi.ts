import { execFile } from 'node:child_process';
import { join } from 'node:path';

export interface OpenApiValidation {
  valid: boolean;
  version: string;
  errors: unknown[];
}

/** Runs the validator package in a child node process (it is ESM only; jest runs CommonJS). */
export function validateOpenApi(document: unknown): Promise<OpenApiValidation> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [join(__dirname, 'openapi-validator-cli.mjs')], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as OpenApiValidation);
    });
    child.stdin?.end(JSON.stringify(document));
  });
}
