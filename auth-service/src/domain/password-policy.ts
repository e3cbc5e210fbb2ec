import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';
import { ValidationError } from '@playbook/kit';

export interface PasswordPolicy {
  /** Throws a 400 naming the rule when the password is too guessable for this user. */
  assertStrong(password: string, userInputs: string[]): void;
}

/**
 * Length is checked by the request schema (12–128, no composition rules, NIST SP 800-63B); this refuses
 * common and guessable passwords with zxcvbn, whose dictionaries ship inside the npm packages.
 */
export function createPasswordPolicy(minScore: number): PasswordPolicy {
  const zxcvbn = new ZxcvbnFactory({
    translations: zxcvbnEn.translations,
    graphs: zxcvbnCommon.adjacencyGraphs,
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
  });
  return {
    assertStrong(password, userInputs) {
      // zxcvbn's cost grows with length; the schema caps it at 128 characters.
      const result = zxcvbn.check(password, userInputs);
      if (result.score >= minScore) return;
      const reason = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
      const message = `is too easy to guess (strength ${result.score} of 4, at least ${minScore} required)${reason ? `: ${reason}` : ''}`;
      throw new ValidationError(`Weak password: ${message}`, [{ path: 'password', message }]);
    },
  };
}
