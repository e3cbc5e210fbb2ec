import { createPasswordPolicy } from '../../src/domain/password-policy';

const policy = createPasswordPolicy(3);

describe('password policy (domain)', () => {
  it('refuses a common password with a 400 naming the password field and the strength', () => {
    let refusal: unknown;
    try {
      policy.assertStrong('password1234', []);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ status: 400, errors: [{ path: 'password', message: expect.stringContaining('at least 3 required') }] });
  });

  it('refuses a password built from the user\'s own email, which it would accept from anyone else', () => {
    const inputs = ['kwerty.zoltan@brightmoor.io', 'kwerty', 'zoltan', 'brightmoor', 'io', 'Kwerty Zoltan'];
    expect(() => policy.assertStrong('zoltanbrightmoor', [])).not.toThrow();
    expect(() => policy.assertStrong('zoltanbrightmoor', inputs)).toThrow('Weak password');
  });

  it('accepts a long passphrase without composition rules', () => {
    expect(() => policy.assertStrong('violet ferry under quiet lanterns', ['ada@example.com'])).not.toThrow();
  });
});
