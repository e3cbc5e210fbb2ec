import { decodeListCursor, encodeListCursor } from '../../src/domain/list-cursor';

describe('list cursor (domain)', () => {
  it('gives back the position it was made from', () => {
    const position = { createdAt: new Date('2026-12-01T10:00:00.123Z'), id: '0123456789abcdef01234567' };
    expect(decodeListCursor(encodeListCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 JSON', 'garbage'],
    ['JSON of another shape', Buffer.from(JSON.stringify({ t: 1 })).toString('base64url')],
    ['an id that is not an ObjectId', Buffer.from(JSON.stringify({ t: 1, i: 'abc' })).toString('base64url')],
    ['extra keys', Buffer.from(JSON.stringify({ t: 1, i: '0123456789abcdef01234567', x: 1 })).toString('base64url')],
    ['a negative time', Buffer.from(JSON.stringify({ t: -1, i: '0123456789abcdef01234567' })).toString('base64url')],
  ])('refuses %s with a 400 naming the cursor', (_what, cursor) => {
    expect(() => decodeListCursor(cursor)).toThrow(expect.objectContaining({ status: 400, errors: [{ path: 'cursor', message: 'is not a cursor of this list' }] }));
  });
});
