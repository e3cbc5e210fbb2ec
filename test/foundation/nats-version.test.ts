import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '../..');

describe('NATS version', () => {
  it('is the same in the tests and the stack (.bin/nats-server) as in the chart\'s image', () => {
    const pinned = /^\s*github\.com\/nats-io\/nats-server\/v2 v(\S+)/m.exec(readFileSync(join(ROOT, 'tools/nats-server/go.mod'), 'utf8'))?.[1];
    const values = parse(readFileSync(join(ROOT, 'helm/playbook/values.yaml'), 'utf8')) as { nats: { image: { tag: string } } };
    const running = execFileSync(join(ROOT, '.bin/nats-server'), ['--version'], { encoding: 'utf8' }).trim();
    expect(pinned).toBeDefined();
    expect(values.nats.image.tag.replace(/-alpine$/, '')).toBe(pinned);
    expect(running).toBe(`nats-server: v${pinned}`);
  });
});
