import { listPlaybookFields, type ProjectResponse } from '@playbook/contract';
import { connectMongo, type MongoHandle } from '@playbook/kit/mongo';
import { Types } from 'mongoose';
import { createCapturingLogger } from '../../test/support/test-env';
import { startTestProjectService, type TestProjectService } from './support/test-project-service';
import { playbookCatalog } from '../src/domain/playbook-catalog';

interface Answers {
  items: Array<{ fieldId: string; value: string; updatedAt: string }>;
}
interface SaveResult {
  project: ProjectResponse;
  saved: number;
  removed: number;
}
interface Problem {
  detail: string;
  errors: Array<{ path: string; message: string }>;
}

const GOAL = 'empathize.research_plan.goal'; // text, 300
const NOTES = 'empathize.interviews.notes'; // longText, 20,000
const SAYS = 'empathize.empathy_map.says'; // list
const HMW = 'define.point_of_view.how_might_we'; // list

describe('project-service answers over HTTP', () => {
  let service: TestProjectService;
  let db: MongoHandle;
  beforeAll(async () => {
    service = await startTestProjectService({ env: { PROJECT_LOCK_STALE_MS: '1000', MAX_CONCURRENT_WRITES: '32' } });
    db = await connectMongo({ url: service.config.MONGO_URL, dbName: service.config.MONGO_DB, logger: createCapturingLogger('test-db').logger });
  });
  afterAll(async () => {
    await db?.close();
    await service?.stop();
  });

  const newProject = async (userId: string) => (await (await service.as(userId).post('/api/projects', { name: 'Answers' })).json()) as ProjectResponse;
  const answersOf = async (userId: string, projectId: string) => (await (await service.as(userId).get(`/api/projects/${projectId}/responses`)).json()) as Answers;
  const versionOf = async (userId: string, projectId: string) => ((await (await service.as(userId).get(`/api/projects/${projectId}`)).json()) as ProjectResponse).contentVersion;
  const put = (userId: string, projectId: string, responses: unknown) => service.as(userId).put(`/api/projects/${projectId}/responses`, { responses });

  it('saves, returns in catalog order, replaces and removes answers, bumping the version once per save', async () => {
    const project = await newProject('ana');
    const notes = 'Line one\n\tindented — “quoted”, naïve café, 東京, مرحبا, 👩🏽‍⚕️\n<script>alert(1)</script>';
    const first = await put('ana', project.id, [
      { fieldId: HMW, value: 'How might we shorten the wait?\nHow might we make waiting useful?' },
      { fieldId: GOAL, value: 'Learn why patients leave before their turn' },
      { fieldId: NOTES, value: notes },
    ]);
    expect(first.status).toBe(200);
    const saved = (await first.json()) as SaveResult;
    expect(saved).toMatchObject({ saved: 3, removed: 0, project: { id: project.id, contentVersion: 1 } });

    const stored = await answersOf('ana', project.id);
    expect(stored.items.map((item) => item.fieldId)).toEqual([GOAL, NOTES, HMW]);
    expect(stored.items.find((item) => item.fieldId === NOTES)?.value).toBe(notes);
    expect(stored.items[0].updatedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));

    const second = (await (await put('ana', project.id, [
      { fieldId: GOAL, value: 'Learn why patients walk out' },
      { fieldId: HMW, value: '' },
      { fieldId: SAYS, value: '   \n ' },
    ])).json()) as SaveResult;
    expect(second).toMatchObject({ saved: 1, removed: 2, project: { contentVersion: 2 } });
    expect((await answersOf('ana', project.id)).items.map(({ fieldId, value }) => ({ fieldId, value }))).toEqual([
      { fieldId: GOAL, value: 'Learn why patients walk out' },
      { fieldId: NOTES, value: notes },
    ]);
    // One document holds the project's answers: the removed ones are gone from it, not blanked.
    const answerSet = await db.connection.collection('answers').findOne({ _id: new Types.ObjectId(project.id) });
    expect(Object.values(answerSet?.answers as object).map((entry: { fieldId: string }) => entry.fieldId).sort()).toEqual([NOTES, GOAL].sort());
  });

  it('accepts a first save that only removes answers, and reads the project as empty afterwards', async () => {
    const project = await newProject('blank');
    const saved = await put('blank', project.id, [{ fieldId: GOAL, value: '' }, { fieldId: SAYS, value: '  ' }]);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toMatchObject({ saved: 0, removed: 2, project: { contentVersion: 1 } });
    const read = await service.as('blank').get(`/api/projects/${project.id}/responses`);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ items: [] });
  });

  it('saves and then replaces an answer to every field of the catalog in one PUT each', async () => {
    const project = await newProject('full');
    const everyField = listPlaybookFields(playbookCatalog).map(({ field }) => field.id);
    for (const round of ['first', 'second']) {
      const response = await put('full', project.id, everyField.map((fieldId) => ({ fieldId, value: `${round}: ${fieldId}` })));
      expect(response.status).toBe(200);
    }
    const stored = await answersOf('full', project.id);
    expect(stored.items.map((item) => item.value)).toEqual(everyField.map((fieldId) => `second: ${fieldId}`));
    expect(await versionOf('full', project.id)).toBe(2);
  });

  it('changes nothing when one item is bad, and names every bad item by index and field id', async () => {
    const project = await newProject('ben');
    await put('ben', project.id, [{ fieldId: GOAL, value: 'original goal' }]);
    // Well-formed but not in the catalog or too long for its field: checked against the catalog.
    const refusedByCatalog = [
      { fieldId: GOAL, value: 'should not be saved' },
      { fieldId: 'empathize.nonsense.field', value: 'x' },
      { fieldId: NOTES, value: 'fine' },
      { fieldId: SAYS, value: 'x'.repeat(4_001) },
    ];
    const response = await put('ben', project.id, [
      ...refusedByCatalog,
      { fieldId: HMW, value: 'null byte \u0000 here' },
      { fieldId: 'define.insights.needs', value: 42 },
      { fieldId: 'define.insights.evidence', value: 'half an emoji \uD83D' },
    ]);
    expect(response.status).toBe(400);
    const problem = (await response.json()) as Problem;
    expect(problem.errors.map((error) => error.path).sort()).toEqual(['responses.1.fieldId', 'responses.3.value', 'responses.4.value', 'responses.5.value', 'responses.6.value']);
    expect(problem.errors.map((error) => error.message).join(' ')).toContain(HMW);
    expect(problem.errors.map((error) => error.message).join(' ')).toContain('define.insights.needs');

    const catalogCheck = await put('ben', project.id, [...refusedByCatalog, { fieldId: GOAL, value: 'twice' }]);
    expect(catalogCheck.status).toBe(400);
    const catalogProblem = (await catalogCheck.json()) as Problem;
    expect(catalogProblem.errors).toEqual([
      { path: 'responses.1.fieldId', message: expect.stringContaining('empathize.nonsense.field') },
      { path: 'responses.3.value', message: expect.stringContaining(SAYS) },
      { path: 'responses.4.fieldId', message: expect.stringContaining(GOAL) },
    ]);
    expect(catalogProblem.detail).toContain('nothing was saved');

    expect((await answersOf('ben', project.id)).items.map(({ fieldId, value }) => ({ fieldId, value }))).toEqual([{ fieldId: GOAL, value: 'original goal' }]);
    expect(await versionOf('ben', project.id)).toBe(1);
  });

  it('rejects a body that is not a list of up to 200 {fieldId, value} items', async () => {
    const project = await newProject('cleo');
    const tooMany = Array.from({ length: 201 }, (_, i) => ({ fieldId: `x.y.f${i}`, value: 'v' }));
    for (const body of [{ responses: tooMany }, { responses: [] }, { responses: [{ fieldId: GOAL, value: 'v', ownerId: 'x' }] }, { answers: [] }, [{ fieldId: GOAL, value: 'v' }]]) {
      expect((await service.as('cleo').put(`/api/projects/${project.id}/responses`, body)).status).toBe(400);
    }
    expect(await versionOf('cleo', project.id)).toBe(0);
  });

  it('keeps concurrent saves whole: the answers always come from one save, the version counts every save and rename', async () => {
    const project = await newProject('dina');
    const saves = Array.from({ length: 6 }, (_, i) => put('dina', project.id, [
      { fieldId: GOAL, value: `goal from save ${i}` },
      { fieldId: NOTES, value: `notes from save ${i}` },
      { fieldId: SAYS, value: `says from save ${i}` },
    ]));
    const renames = Array.from({ length: 3 }, (_, i) => service.as('dina').patch(`/api/projects/${project.id}`, { name: `rename ${i}` }));
    const statuses = await Promise.all([...saves, ...renames].map(async (response) => (await response).status));
    const succeeded = statuses.filter((status) => status === 200).length;
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(succeeded).toBeGreaterThan(0);
    const values = (await answersOf('dina', project.id)).items.map((item) => item.value.replace(/^\w+ from /, ''));
    expect(new Set(values).size).toBe(1);
    expect(await versionOf('dina', project.id)).toBe(succeeded);
  });

  it('shows a save whose writer died before it recorded the version, and frees the lock it left', async () => {
    const project = await newProject('eve');
    await put('eve', project.id, [{ fieldId: GOAL, value: 'before the crash' }]);
    // What a crash right after the one write of a save leaves: its answers (version 2) and its lock.
    const _id = new Types.ObjectId(project.id);
    const startedAt = new Date(Date.now() - 5_000);
    await db.connection.collection('project_locks').insertOne({ _id, writeId: 'crashed-write', startedAt });
    await db.connection.collection('answers').updateOne({ _id }, { $set: { 'answers.empathize:research_plan:goal': { fieldId: GOAL, value: 'after the crash', updatedAt: startedAt }, version: 2 } });

    expect((await answersOf('eve', project.id)).items.map(({ fieldId, value }) => ({ fieldId, value }))).toEqual([{ fieldId: GOAL, value: 'after the crash' }]);
    // The answers carry the version of the save that wrote them: the PDF's cache key never pairs them with an older one.
    expect((await service.as('eve').get(`/api/projects/${project.id}/responses`)).headers.get('etag')).toBe('"2"');
    const next = (await (await put('eve', project.id, [{ fieldId: GOAL, value: 'life goes on' }])).json()) as SaveResult;
    expect(next.project.contentVersion).toBe(3);
    expect(service.logs()).toContain('freeing the abandoned lock crashed-write');
    expect(await db.connection.collection('project_locks').countDocuments({ _id })).toBe(0);
    expect(await versionOf('eve', project.id)).toBe(3);
  });

  describe('If-Match', () => {
    const etagOf = async (userId: string, path: string) => (await service.as(userId).get(path)).headers.get('etag');

    it('answers GET with the content version as ETag, and saves only when If-Match is current', async () => {
      const project = await newProject('fay');
      const path = `/api/projects/${project.id}`;
      expect(await etagOf('fay', path)).toBe('"0"');
      const saved = await service.as('fay').request('PUT', `${path}/responses`, { responses: [{ fieldId: GOAL, value: 'first' }] }, { 'if-match': '"0"' });
      expect(saved.status).toBe(200);
      expect(saved.headers.get('etag')).toBe('"1"');
      expect(await etagOf('fay', `${path}/responses`)).toBe('"1"');

      // A second tab still holding "0": refused, told the current version, nothing written.
      const stale = await service.as('fay').request('PUT', `${path}/responses`, { responses: [{ fieldId: GOAL, value: 'from the stale tab' }] }, { 'if-match': '"0"' });
      expect(stale.status).toBe(412);
      expect(stale.headers.get('etag')).toBe('"1"');
      expect(((await stale.json()) as Problem).detail).toContain('content version 1');
      expect((await answersOf('fay', project.id)).items.map((item) => item.value)).toEqual(['first']);
      expect(await versionOf('fay', project.id)).toBe(1);

      const staleRename = await service.as('fay').request('PATCH', path, { name: 'stale' }, { 'if-match': '"0"' });
      expect(staleRename.status).toBe(412);
      const rename = await service.as('fay').request('PATCH', path, { name: 'fresh' }, { 'if-match': '"0", "1"' });
      expect(rename.status).toBe(200);
      expect(rename.headers.get('etag')).toBe('"2"');
      expect((await service.as('fay').request('PUT', `${path}/responses`, { responses: [{ fieldId: GOAL, value: 'any' }] }, { 'if-match': '*' })).status).toBe(200);
      expect((await service.as('fay').request('PATCH', path, { name: 'bad header' }, { 'if-match': 'W/"3"' })).status).toBe(400);
      expect(await versionOf('fay', project.id)).toBe(3);
    });

    it('lets exactly one of two tabs holding the same ETag save', async () => {
      const project = await newProject('gus');
      const tabs = await Promise.all(['left', 'right'].map((tab) =>
        service.as('gus').request('PUT', `/api/projects/${project.id}/responses`, { responses: [{ fieldId: GOAL, value: tab }] }, { 'if-match': '"0"' })));
      expect(tabs.map((response) => response.status).sort()).toEqual([200, 412]);
      expect(await versionOf('gus', project.id)).toBe(1);
    });
  });
});
